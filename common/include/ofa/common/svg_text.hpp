#pragma once
#include <string>

namespace ofa::common {

// Small pieces every SVG the tools draw needs (trace plots, front plots, model scatters).

// A coordinate with two decimals.
std::string svg_number(double v);
// Text made safe inside an SVG element (<, >, &).
std::string svg_escape(const std::string& text);
// A round step (1, 2 or 5 times a power of ten) for about `count` ticks over `range`.
double tick_step(double range, int count);
// A tick's label with as many decimals as its step needs.
std::string tick_label(double value, double step);
// The 10 colours of matplotlib's default cycle, by index (wrapping).
const char* palette_colour(std::size_t index);

}  // namespace ofa::common
