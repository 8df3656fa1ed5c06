#include "ofa/runtime/quant/activation_ranges.hpp"

#include <cmath>
#include <map>

#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::runtime {

using common::Error;

namespace {

constexpr std::int64_t kHistogramBins = 4096;

// The bin edge below which `fraction` of the histogram's count lies.
double histogram_cut(const std::vector<double>& counts, double lo, double hi, double fraction) {
  double total = 0;
  for (double c : counts) total += c;
  double seen = 0;
  const double width = (hi - lo) / static_cast<double>(counts.size());
  for (std::size_t b = 0; b < counts.size(); ++b) {
    seen += counts[b];
    if (seen >= fraction * total) return lo + width * static_cast<double>(b + 1);
  }
  return hi;
}

void check_finite(const std::string& name, const torch::Tensor& value) {
  if (!torch::isfinite(value).all().item<bool>())
    throw Error("calibration: value '" + name + "' is NaN or infinite on a calibration batch (the float32 network overflows)");
}

}  // namespace

void check_range_method(const RangeMethod& m) {
  if (m.name != "minmax" && m.name != "percentile") throw Error("--calib-method '" + m.name + "' is not minmax or percentile");
  if (m.name == "percentile" && !(m.percentile > 50 && m.percentile <= 100))
    throw Error("--calib-percentile " + common::format_g(m.percentile, 9) + " is not in (50, 100]");
}

ValueRanges calibrate_ranges(const OnnxEvaluator& model, const CalibrationBatch& batch, std::size_t count, const RangeMethod& method,
                             const common::Reporter& reporter) {
  check_range_method(method);
  if (count == 0) throw Error("calibration: no calibration images");
  const bool histogram = method.name == "percentile";
  const double passes = histogram ? 2.0 : 1.0;
  ValueRanges minmax;
  for (std::size_t i = 0; i < count; ++i) {
    reporter.cancel().check();
    const torch::Tensor x = batch(i);
    if (x.numel() == 0) continue;  // a batch whose images were all unreadable (--skip-unreadable)
    model.run(x, [&](const std::string& name, const torch::Tensor& v) {
      check_finite(name, v);
      const auto [lo, hi] = torch::aminmax(v);
      const double l = lo.item<double>(), h = hi.item<double>();
      const auto [it, fresh] = minmax.try_emplace(name, l, h);
      if (!fresh) it->second = {std::min(it->second.first, l), std::max(it->second.second, h)};
    });
    reporter.progress("calibrate", static_cast<double>(i + 1) / (static_cast<double>(count) * passes), "min/max");
  }
  if (minmax.empty()) throw Error("calibration: no readable calibration image");
  if (!histogram) return minmax;
  std::map<std::string, std::vector<double>> counts;
  for (std::size_t i = 0; i < count; ++i) {
    reporter.cancel().check();
    const torch::Tensor x = batch(i);
    if (x.numel() == 0) continue;
    model.run(x, [&](const std::string& name, const torch::Tensor& v) {
      const auto [lo, hi] = minmax.at(name);
      if (hi <= lo) return;
      const torch::Tensor h = torch::histc(v.to(torch::kFloat32), kHistogramBins, lo, hi).to(torch::kFloat64).contiguous();
      std::vector<double>& c = counts.try_emplace(name, kHistogramBins, 0.0).first->second;
      const double* p = h.data_ptr<double>();
      for (std::int64_t b = 0; b < kHistogramBins; ++b) c[static_cast<std::size_t>(b)] += p[b];
    });
    reporter.progress("calibrate", (static_cast<double>(count + i + 1)) / (static_cast<double>(count) * passes), "histograms");
  }
  ValueRanges ranges = minmax;
  const double tail = (100.0 - method.percentile) / 200.0;
  for (const auto& [name, c] : counts) {
    // The logits keep their whole range: clipped, two top classes could tie at 255.
    if (name == model.output_name()) continue;
    const auto [lo, hi] = minmax.at(name);
    // The lower cut is the first edge with `tail` of the values below it (a bin's low edge).
    const double cut_lo = tail <= 0 ? lo : histogram_cut(c, lo, hi, tail) - (hi - lo) / kHistogramBins;
    const double cut_hi = tail <= 0 ? hi : histogram_cut(c, lo, hi, 1.0 - tail);
    ranges[name] = {std::max(lo, cut_lo), std::min(hi, cut_hi)};
  }
  return ranges;
}

}  // namespace ofa::runtime
