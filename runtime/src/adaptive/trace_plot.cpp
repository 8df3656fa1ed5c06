#include "ofa/runtime/adaptive/trace_plot.hpp"

#include <algorithm>
#include <cstdio>

#include "ofa/common/svg_plot.hpp"
#include "ofa/common/svg_text.hpp"
#include "ofa/common/timing_stats.hpp"

namespace ofa::runtime {

std::string plot_trace_svg(const std::vector<FrameRecord>& f, const std::vector<LevelSpec>& levels,
                           std::optional<ContentionWindow> contention, const std::string& title) {
  double t_max = 1, target = 0;
  std::vector<double> lat;
  for (const FrameRecord& r : f) {
    t_max = std::max(t_max, r.time_s + r.latency_ms / 1000);
    lat.push_back(r.latency_ms);
    target = r.target_ms;
  }
  std::sort(lat.begin(), lat.end());
  // Scale to the 99th percentile, so one outlier does not flatten the trace; above it, dots sit on the top edge.
  const double y_max = std::max({1.0, 1.3 * target, lat.empty() ? 0.0 : 1.1 * common::percentile_sorted(lat, 0.99)});
  common::PlotLayout layout;
  layout.width = 960, layout.height = 440, layout.right = 190;
  common::SvgPlot plot(layout, {{0, t_max}, "time (s)", 10, 1}, {{0, y_max}, "latency (ms)", 6, 1}, title);
  if (contention) plot.x_span(contention->start_s, contention->end_s, "#eeeeee", "contention");
  const std::string red = common::palette_colour(3);
  plot.hline(target, {red, 1, "6,4"});
  plot.text_px(plot.area_right() - 4, plot.y_px(target) - 5, "target " + common::svg_number(target) + " ms", "end", red);
  for (const FrameRecord& r : f)
    plot.mark({r.time_s, std::min(r.latency_ms, y_max)}, {common::Marker::Circle, 2.2, common::palette_colour(static_cast<std::size_t>(r.level)), "none"});
  for (std::size_t i = 0; i < levels.size(); ++i) {
    char label[96];
    std::snprintf(label, sizeof label, "level %zu: %.1f ms, %.2f %%", i, levels[i].latency_ms, 100 * levels[i].accuracy);
    plot.legend({common::LegendEntry::Kind::Mark, {common::Marker::Circle, 5, common::palette_colour(i), "none"}, {}, "", label});
  }
  return plot.svg();
}

}  // namespace ofa::runtime
