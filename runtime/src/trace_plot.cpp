#include "ofa/runtime/trace_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ofa/common/svg_text.hpp"
#include "ofa/common/timing_stats.hpp"

namespace ofa::runtime {

namespace {

constexpr double kWidth = 960, kHeight = 440, kLeft = 70, kRight = 190, kTop = 40, kBottom = 50;

std::string f2(double v) { return common::svg_number(v); }
std::string escape(const std::string& s) { return common::svg_escape(s); }
using common::tick_label;
using common::tick_step;

}  // namespace

std::string plot_trace_svg(const std::vector<FrameRecord>& f, const std::vector<LevelSpec>& levels,
                           std::optional<ContentionWindow> contention, const std::string& title) {
  double t_max = 1, y_max = 1, target = 0;
  std::vector<double> lat;
  for (const FrameRecord& r : f) {
    t_max = std::max(t_max, r.time_s + r.latency_ms / 1000);
    lat.push_back(r.latency_ms);
    target = r.target_ms;
  }
  std::sort(lat.begin(), lat.end());
  // Scale to the 99th percentile, so one outlier does not flatten the trace; above it, dots sit on the top edge.
  y_max = std::max({y_max, 1.3 * target, 1.1 * common::percentile_sorted(lat, 0.99)});
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  auto X = [&](double t) { return kLeft + pw * t / t_max; };
  auto Y = [&](double ms) { return kTop + ph * (1 - std::min(ms, y_max) / y_max); };

  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + f2(kWidth) + "\" height=\"" + f2(kHeight) +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + f2(kLeft) + "\" y=\"22\" font-size=\"15\">" + escape(title) + "</text>\n";
  if (contention)
    s += "<rect x=\"" + f2(X(contention->start_s)) + "\" y=\"" + f2(kTop) + "\" width=\"" +
         f2(X(std::min(contention->end_s, t_max)) - X(contention->start_s)) + "\" height=\"" + f2(ph) +
         "\" fill=\"#eeeeee\"><title>contention</title></rect>\n";
  // Axes and ticks.
  s += "<line x1=\"" + f2(kLeft) + "\" y1=\"" + f2(kTop + ph) + "\" x2=\"" + f2(kLeft + pw) + "\" y2=\"" + f2(kTop + ph) + "\" stroke=\"black\"/>\n";
  s += "<line x1=\"" + f2(kLeft) + "\" y1=\"" + f2(kTop) + "\" x2=\"" + f2(kLeft) + "\" y2=\"" + f2(kTop + ph) + "\" stroke=\"black\"/>\n";
  const double xs = tick_step(t_max, 10), ys = tick_step(y_max, 6);
  for (double t = 0; t <= t_max + 1e-9; t += xs)
    s += "<text x=\"" + f2(X(t)) + "\" y=\"" + f2(kTop + ph + 16) + "\" text-anchor=\"middle\">" + tick_label(t, xs) + "</text>\n";
  for (double y = 0; y <= y_max + 1e-9; y += ys)
    s += "<text x=\"" + f2(kLeft - 6) + "\" y=\"" + f2(Y(y) + 4) + "\" text-anchor=\"end\">" + tick_label(y, ys) + "</text>\n";
  s += "<text x=\"" + f2(kLeft + pw / 2) + "\" y=\"" + f2(kHeight - 10) + "\" text-anchor=\"middle\">time (s)</text>\n";
  s += "<text transform=\"translate(18," + f2(kTop + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">latency (ms)</text>\n";
  // Target line.
  s += "<line x1=\"" + f2(kLeft) + "\" y1=\"" + f2(Y(target)) + "\" x2=\"" + f2(kLeft + pw) + "\" y2=\"" + f2(Y(target)) +
       "\" stroke=\"#d62728\" stroke-dasharray=\"6,4\"/>\n";
  s += "<text x=\"" + f2(kLeft + pw - 4) + "\" y=\"" + f2(Y(target) - 5) + "\" text-anchor=\"end\" fill=\"#d62728\">target " + f2(target) + " ms</text>\n";
  // Frames.
  for (const FrameRecord& r : f)
    s += "<circle cx=\"" + f2(X(r.time_s)) + "\" cy=\"" + f2(Y(r.latency_ms)) + "\" r=\"2.2\" fill=\"" + common::palette_colour(static_cast<std::size_t>(r.level)) + "\"/>\n";
  // Legend.
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const double y = kTop + 10 + 18 * static_cast<double>(i);
    s += "<circle cx=\"" + f2(kLeft + pw + 20) + "\" cy=\"" + f2(y) + "\" r=\"5\" fill=\"" + common::palette_colour(i) + "\"/>\n";
    char label[96];
    std::snprintf(label, sizeof label, "level %zu: %.1f ms, %.2f %%", i, levels[i].latency_ms, 100 * levels[i].accuracy);
    s += "<text x=\"" + f2(kLeft + pw + 30) + "\" y=\"" + f2(y + 4) + "\">" + label + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace ofa::runtime
