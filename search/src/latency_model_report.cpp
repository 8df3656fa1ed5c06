#include "ofa/search/latency_model_report.hpp"

#include <algorithm>
#include <cmath>

#include "ofa/common/fit_statistics.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/svg_text.hpp"
#include "ofa/common/candidates_file.hpp"

namespace ofa::search {

using common::svg_number;

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
  constexpr double W = 620, H = 560, L = 70, Rm = 150, T = 40, B = 50;
  double hi = 0;
  for (const auto* v : {&measured, &model, &table})
    for (double x : *v) hi = std::max(hi, x);
  hi = hi > 0 ? hi * 1.08 : 1;
  const double pw = W - L - Rm, ph = H - T - B;
  auto X = [&](double v) { return L + v / hi * pw; };
  auto Y = [&](double v) { return T + ph - v / hi * ph; };
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + svg_number(W) + "\" height=\"" + svg_number(H) +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + svg_number(L) + "\" y=\"22\" font-size=\"14\">" + common::svg_escape(title) + "</text>\n";
  // The ±10 % band and the diagonal.
  s += "<polygon points=\"" + svg_number(X(0)) + "," + svg_number(Y(0)) + " " + svg_number(X(hi)) + "," + svg_number(Y(std::min(hi, hi * 1.1))) + " " +
       svg_number(X(hi / 1.1)) + "," + svg_number(Y(hi)) + " " + svg_number(X(hi)) + "," + svg_number(Y(hi * 0.9)) + "\" fill=\"#eef3ee\"/>\n";
  s += "<line x1=\"" + svg_number(X(0)) + "\" y1=\"" + svg_number(Y(0)) + "\" x2=\"" + svg_number(X(hi)) + "\" y2=\"" + svg_number(Y(hi)) +
       "\" stroke=\"#888\"/>\n";
  s += "<line x1=\"" + svg_number(L) + "\" y1=\"" + svg_number(T + ph) + "\" x2=\"" + svg_number(L + pw) + "\" y2=\"" + svg_number(T + ph) + "\" stroke=\"black\"/>\n";
  s += "<line x1=\"" + svg_number(L) + "\" y1=\"" + svg_number(T) + "\" x2=\"" + svg_number(L) + "\" y2=\"" + svg_number(T + ph) + "\" stroke=\"black\"/>\n";
  const double step = common::tick_step(hi, 6);
  for (double t = 0; t <= hi; t += step) {
    s += "<text x=\"" + svg_number(X(t)) + "\" y=\"" + svg_number(T + ph + 16) + "\" text-anchor=\"middle\">" + common::tick_label(t, step) + "</text>\n";
    s += "<text x=\"" + svg_number(L - 6) + "\" y=\"" + svg_number(Y(t) + 4) + "\" text-anchor=\"end\">" + common::tick_label(t, step) + "</text>\n";
  }
  s += "<text x=\"" + svg_number(L + pw / 2) + "\" y=\"" + svg_number(H - 10) + "\" text-anchor=\"middle\">measured (ms)</text>\n";
  s += "<text x=\"16\" y=\"" + svg_number(T + ph / 2) + "\" transform=\"rotate(-90 16 " + svg_number(T + ph / 2) + ")\" text-anchor=\"middle\">predicted (ms)</text>\n";
  for (std::size_t i = 0; i < measured.size(); ++i) {
    if (i < table.size())
      s += "<circle cx=\"" + svg_number(X(measured[i])) + "\" cy=\"" + svg_number(Y(table[i])) + "\" r=\"3\" fill=\"none\" stroke=\"#9a9a9a\"/>\n";
    if (i < model.size())
      s += "<circle cx=\"" + svg_number(X(measured[i])) + "\" cy=\"" + svg_number(Y(model[i])) + "\" r=\"3\" fill=\"" + common::palette_colour(0) + "\"/>\n";
  }
  const double lx = L + pw + 20;
  s += "<circle cx=\"" + svg_number(lx) + "\" cy=\"" + svg_number(T + 10) + "\" r=\"3\" fill=\"" + common::palette_colour(0) + "\"/><text x=\"" +
       svg_number(lx + 10) + "\" y=\"" + svg_number(T + 14) + "\">model</text>\n";
  s += "<circle cx=\"" + svg_number(lx) + "\" cy=\"" + svg_number(T + 30) + "\" r=\"3\" fill=\"none\" stroke=\"#9a9a9a\"/><text x=\"" + svg_number(lx + 10) +
       "\" y=\"" + svg_number(T + 34) + "\">per-layer table</text>\n";
  s += "<rect x=\"" + svg_number(lx - 5) + "\" y=\"" + svg_number(T + 45) + "\" width=\"10\" height=\"10\" fill=\"#eef3ee\"/><text x=\"" + svg_number(lx + 10) +
       "\" y=\"" + svg_number(T + 54) + "\">within ±10 %</text>\n";
  s += "</svg>\n";
  return s;
}

}  // namespace ofa::search
