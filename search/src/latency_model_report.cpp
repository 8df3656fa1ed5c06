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

std::string format_quality_yaml(const ModelQualityReport& r) {
  auto g = [](double v) { return common::format_g(v, 4); };
  auto opt = [&](const std::optional<double>& v) { return v ? g(*v) : std::string("null"); };
  std::string s = "format: ofa-latency-model-quality/1\n";
  s += "# on " + std::to_string(r.heldout) + " held-out networks (never used to fit); mape in %, within_10pct a fraction\n";
  s += "heldout: " + std::to_string(r.heldout) + "\n";
  s += "spearman: " + g(r.model.spearman) + "\nmape: " + g(r.model.mape) + "\nwithin_10pct: " + g(r.model.within_10pct) + "\n";
  s += "table_spearman: " + g(r.table.spearman) + "\ntable_mape: " + g(r.table.mape) + "\ntable_within_10pct: " + g(r.table.within_10pct) + "\n";
  s += "calibrated_spearman: " + g(r.calibrated.spearman) + "\ncalibrated_mape: " + g(r.calibrated.mape) +
       "\ncalibrated_within_10pct: " + g(r.calibrated.within_10pct) + "\n";
  s += "# the machine's own noise: the held-out networks' first half of rounds against the second\n";
  s += "retest_spearman: " + opt(r.retest_spearman) + "\nretest_mape: " + opt(r.retest_mape) + "\n";
  s += "fitted: " + std::to_string(r.fitted) + "\n";
  s += "prior: " + common::yaml_quoted(r.prior) + "\n";
  s += "keys: " + std::to_string(r.keys) + "\nclamped_at_zero: " + std::to_string(r.clamped) + "\n";
  s += "regularization: " + g(r.regularization) + "\n";
  s += "device: " + common::yaml_quoted(r.device) + "\nengine: " + r.engine + "\nthreads: " + std::to_string(r.threads) + "\n";
  s += "machine: " + common::yaml_quoted(r.machine) + "\n";
  s += "rounds: " + std::to_string(r.rounds) + "\ncalls_per_round: " + std::to_string(r.calls) + "\n";
  s += "seconds: " + g(r.seconds) + "\n";
  return s;
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
