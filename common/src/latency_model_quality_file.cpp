#include "ofa/common/latency_model_quality_file.hpp"

#include "ofa/common/number_format.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

std::string format_quality_yaml(const ModelQualityReport& r) {
  auto g = [](double v) { return format_g(v, 4); };
  auto opt = [&](const std::optional<double>& v) { return v ? g(*v) : std::string("null"); };
  std::string s = "format: " + std::string(kLatencyModelQualityFormat) + "\n";
  s += "# on " + std::to_string(r.heldout) + " held-out networks (never used to fit); mape in %, within_10pct a fraction\n";
  s += "heldout: " + std::to_string(r.heldout) + "\n";
  s += "spearman: " + g(r.model.spearman) + "\nmape: " + g(r.model.mape) + "\nwithin_10pct: " + g(r.model.within_10pct) + "\n";
  s += "table_spearman: " + g(r.table.spearman) + "\ntable_mape: " + g(r.table.mape) + "\ntable_within_10pct: " + g(r.table.within_10pct) + "\n";
  s += "calibrated_spearman: " + g(r.calibrated.spearman) + "\ncalibrated_mape: " + g(r.calibrated.mape) +
       "\ncalibrated_within_10pct: " + g(r.calibrated.within_10pct) + "\n";
  s += "# the machine's own noise: the held-out networks' first half of rounds against the second\n";
  s += "retest_spearman: " + opt(r.retest_spearman) + "\nretest_mape: " + opt(r.retest_mape) + "\n";
  s += "fitted: " + std::to_string(r.fitted) + "\n";
  s += "prior: " + yaml_quoted(r.prior) + "\n";
  s += "keys: " + std::to_string(r.keys) + "\nclamped_at_zero: " + std::to_string(r.clamped) + "\n";
  s += "regularization: " + g(r.regularization) + "\n";
  s += "device: " + yaml_quoted(r.device) + "\nengine: " + r.engine + "\nthreads: " + std::to_string(r.threads) + "\n";
  s += "machine: " + yaml_quoted(r.machine) + "\n";
  s += "rounds: " + std::to_string(r.rounds) + "\ncalls_per_round: " + std::to_string(r.calls) + "\n";
  s += "seconds: " + g(r.seconds) + "\n";
  return s;
}

}  // namespace ofa::common
