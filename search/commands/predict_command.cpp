#include "search/commands/predict_command.hpp"

#include <cmath>
#include <sstream>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/search/profile_evaluator.hpp"

namespace ofa::search {

using namespace ofa::common;

std::vector<PredictResult> predict(const Evaluator& evaluator, const std::vector<NamedArch>& archs, int threads) {
  std::vector<ArchConfig> configs;
  for (const auto& a : archs) configs.push_back(a.arch);
  const auto evals = evaluator.evaluate(configs, threads);
  std::vector<PredictResult> out;
  for (std::size_t i = 0; i < archs.size(); ++i) out.push_back({archs[i].name, archs[i].arch, evals[i]});
  return out;
}

namespace {

// A name is written plain when YAML would read it back as the same string.
std::string yaml_key(const std::string& name) {
  YAML::Emitter e;
  e << name;
  return e.c_str();
}

}  // namespace

std::string format_predictions_yaml(const std::vector<PredictResult>& results) {
  std::string s;
  for (const auto& r : results) {
    s += yaml_key(r.name) + ":\n";
    if (!std::isnan(r.eval.predicted_accuracy)) s += "  predicted_accuracy: " + common::format_accuracy(r.eval.predicted_accuracy) + "\n";
    if (!std::isnan(r.eval.latency_ms)) s += "  latency_ms: " + common::format_latency(r.eval.latency_ms) + "\n";
    s += "  macs_m: " + common::format_millions(r.eval.macs_m) + "\n";
    s += "  params_m: " + common::format_millions(r.eval.params_m) + "\n";
    s += "  ks: [" + join_ints(r.arch.ks, ", ") + "]\n";
    s += "  e: [" + join_ints(r.arch.e, ", ") + "]\n";
    s += "  d: [" + join_ints(r.arch.d, ", ") + "]\n";
    s += "  r: " + std::to_string(r.arch.r) + "\n";
  }
  return s;
}

std::string format_predictions_csv(const std::vector<PredictResult>& results) {
  std::string s = "name,predicted_accuracy,latency_ms,macs_m,params_m,ks,e,d,r\n";
  for (const auto& r : results) {
    std::string name = r.name;
    if (name.find_first_of(",\"\n") != std::string::npos) {
      std::string q = "\"";
      for (char c : name) q += (c == '"') ? std::string("\"\"") : std::string(1, c);
      name = q + "\"";
    }
    s += name + ",";
    s += (std::isnan(r.eval.predicted_accuracy) ? "" : common::format_accuracy(r.eval.predicted_accuracy)) + ",";
    s += (std::isnan(r.eval.latency_ms) ? "" : common::format_latency(r.eval.latency_ms)) + ",";
    s += common::format_millions(r.eval.macs_m) + "," + common::format_millions(r.eval.params_m) + ",";
    s += join_ints(r.arch.ks, " ") + "," + join_ints(r.arch.e, " ") + "," + join_ints(r.arch.d, " ") + "," +
         std::to_string(r.arch.r) + "\n";
  }
  return s;
}

std::string run_predict(const PredictOptions& o) {
  if (o.format != "yaml" && o.format != "csv") throw Error("--table-format '" + o.format + "' is not one of yaml, csv");
  const DeviceProfile profile = load_profile(o.profile, o.data_dir);
  const auto archs = read_archs(o.archs, profile.space);
  const Evaluator evaluator = make_evaluator(profile);
  const auto results = predict(evaluator, archs, o.threads);
  std::string text = o.format == "csv" ? format_predictions_csv(results) : format_predictions_yaml(results);
  // A calibration changes every latency printed: say so where the format allows (the CSV has
  // no place for it; its YAML twin does).
  if (o.format == "yaml" && evaluator.lut() && evaluator.lut()->calibration())
    text = "# lut_calibration: " + common::format_calibration_key(evaluator.lut()->calibration()) + "\n" + text;
  if (!o.out) return text;
  write_file_atomic(*o.out, text);
  return "";
}

}  // namespace ofa::search
