// Text helpers for the SVG plots: coordinates, escaping and the colour cycle.
#pragma once
#include <cstddef>
#include <string>

namespace ofa::common {

// Small pieces every SVG the tools draw needs (trace plots, front plots, model scatters);
// axes, ticks and marks are in svg_plot.hpp.

// A coordinate with two decimals.
std::string svg_number(double v);
// Text made safe inside an SVG element (<, >, &).
std::string svg_escape(const std::string& text);
// The 10 colours of matplotlib's default cycle, by index (wrapping).
const char* palette_colour(std::size_t index);

}  // namespace ofa::common
