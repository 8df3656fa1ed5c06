#include "ofa/search/latency_model_report.hpp"

#include <algorithm>
#include <cmath>

#include "ofa/common/fit_statistics.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/svg_plot.hpp"
#include "ofa/common/svg_text.hpp"
#include "ofa/common/candidates_file.hpp"

namespace ofa::search {

PredictionQuality prediction_quality(const std::vector<double>& p, const std::vector<double>& m) {
  PredictionQuality q;
  if (p.empty()) return q;
  q.spearman = p.size() > 1 ? common::spearman(p, m) : 0;
  q.mape = common::mape(p, m);
  std::size_t within = 0;
  for (std::size_t i = 0; i < p.size(); ++i) within += std::abs(p[i] / m[i] - 1) <= 0.10;
  q.within_10pct = static_cast<double>(within) / static_cast<double>(p.size());
  return q;
}

std::string plot_quality_svg(const std::vector<double>& measured, const std::vector<double>& model, const std::vector<double>& table,
                             const std::string& title) {
  // Both axes from 0 to the same top, so the diagonal is predicted = measured and the band
  // keeps its shape: a prediction's distance from the diagonal reads as its error.
  double hi = 0;
  for (const auto* v : {&measured, &model, &table})
    for (double x : *v)
      if (std::isfinite(x)) hi = std::max(hi, x);
  hi = hi > 0 ? hi * 1.08 : 1;
  common::PlotLayout layout;
  layout.width = 620, layout.height = 560, layout.right = 150, layout.title_size = 14;
  common::SvgPlot plot(layout, {{0, hi}, "measured (ms)", 6, 1}, {{0, hi}, "predicted (ms)", 6, 1}, title);
  const std::string band = "#eef3ee";
  // The region between predicted = 0.9 x measured and 1.1 x measured over the x range: along
  // the lower line left to right, back along the upper one; the plot clips its top corner.
  plot.polygon({{0, 0}, {hi, 0.9 * hi}, {hi, 1.1 * hi}}, band);
  plot.segment({0, 0}, {hi, hi}, {"#888"});
  const common::MarkStyle model_mark{common::Marker::Circle, 3, common::palette_colour(0), "none"};
  const common::MarkStyle table_mark{common::Marker::Circle, 3, "none", "#9a9a9a"};
  for (std::size_t i = 0; i < measured.size(); ++i) {
    if (i < table.size()) plot.mark({measured[i], table[i]}, table_mark);
    if (i < model.size()) plot.mark({measured[i], model[i]}, model_mark);
  }
  plot.legend({common::LegendEntry::Kind::Mark, model_mark, {}, "", "model"});
  plot.legend({common::LegendEntry::Kind::Mark, table_mark, {}, "", "per-layer table"});
  plot.legend({common::LegendEntry::Kind::Swatch, {}, {}, band, "within ±10 %"});
  return plot.svg();
}

}  // namespace ofa::search
