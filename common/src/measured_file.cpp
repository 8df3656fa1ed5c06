#include "ofa/common/measured_file.hpp"

#include "ofa/common/yaml_values.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::common {

using namespace ofa::common;

std::string format_measured_yaml(const MeasuredFile& f) {
  std::string s = "format: ofa-measured/1\n";
  s += "candidates: " + yaml_quoted(f.candidates) + "\n";
  s += "profile_name: " + yaml_quoted(f.profile_name) + "\n";
  s += "space: " + f.space + "\n";
  s += std::string("elastic_kernel: ") + (f.elastic_kernel ? "true" : "false") + "\n";
  s += "machine: " + yaml_quoted(f.machine) + "\n";
  s += "libtorch: " + yaml_quoted(f.libtorch) + "\n";
  s += "device: " + yaml_quoted(f.device) + "\n";
  s += "engine: " + f.engine + "\n";
  s += std::string("allow_tf32: ") + (f.allow_tf32 ? "true" : "false") + "\n";
  s += "threads: " + std::to_string(f.threads) + "\n";
  s += "batch: " + std::to_string(f.batch) + "\n";
  s += "warmup: " + std::to_string(f.warmup) + "\n";
  s += "repeats: " + std::to_string(f.repeats) + "\n";
  s += "weights: " + yaml_quoted(f.weights) + "\n";
  s += "lut_calibration: " + format_calibration_key(f.lut_calibration) + "\n";
  s += "measurements:\n";
  for (const auto& m : f.rows) {
    s += format_candidate_fields(m.candidate, "  - ", "    ");
    s += "    measured: {count: " + std::to_string(m.measured.count) + ", mean_ms: " + format_g(m.measured.mean_ms, 8) +
         ", median_ms: " + format_g(m.measured.median_ms, 8) + ", p10_ms: " + format_g(m.measured.p10_ms, 8) +
         ", p90_ms: " + format_g(m.measured.p90_ms, 8) + ", std_ms: " + format_g(m.measured.std_ms, 8) + "}\n";
    if (m.measured_accuracy) s += "    measured_accuracy: " + format_accuracy(*m.measured_accuracy) + "\n";
  }
  return s;
}

static MeasuredFile read_measured_unguarded(const std::filesystem::path& path) {
  const YAML::Node root = load_yaml_file(path);
  const std::string where = path.string();
  if (!root.IsMap() || !root["format"] || root["format"].Scalar() != "ofa-measured/1")
    throw Error(where + ": not an ofa-measured/1 file");
  MeasuredFile f;
  auto str = [&](const char* key) { return required_string(root, key, where); };
  auto num = [&](const char* key) { return required_int(root, key, where); };
  f.candidates = str("candidates");
  f.profile_name = str("profile_name");
  f.space = str("space");
  f.elastic_kernel = root["elastic_kernel"] && yaml_bool(root["elastic_kernel"], where + ": key 'elastic_kernel'");
  f.machine = str("machine");
  f.libtorch = str("libtorch");
  f.device = str("device");
  f.engine = read_engine_key(root, where);
  f.allow_tf32 = !root["allow_tf32"] || yaml_bool(root["allow_tf32"], where + ": key 'allow_tf32'");
  f.threads = num("threads");
  f.batch = num("batch");
  f.warmup = num("warmup");
  f.repeats = num("repeats");
  f.weights = str("weights");
  f.lut_calibration = parse_calibration_key(root["lut_calibration"], where);
  const YAML::Node list = root["measurements"];
  if (!list || !list.IsSequence()) throw Error(where + ": key 'measurements' must be a list");
  const SearchSpace space = file_space(f.space, f.elastic_kernel, where);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    const std::string w = where + ": measurements[" + std::to_string(i) + "]";
    MeasuredRow m;
    m.candidate = parse_candidate_fields(n, w);
    check_row_arch(space, m.candidate, w);
    const YAML::Node t = n["measured"];
    if (!t || !t.IsMap()) throw Error(w + ": missing key 'measured'");
    m.measured.count = yaml_int(t["count"], w + ": measured.count");
    m.measured.mean_ms = yaml_double(t["mean_ms"], w + ": measured.mean_ms");
    m.measured.median_ms = yaml_double(t["median_ms"], w + ": measured.median_ms");
    m.measured.p10_ms = yaml_double(t["p10_ms"], w + ": measured.p10_ms");
    m.measured.p90_ms = yaml_double(t["p90_ms"], w + ": measured.p90_ms");
    m.measured.std_ms = yaml_double(t["std_ms"], w + ": measured.std_ms");
    if (n["measured_accuracy"] && !n["measured_accuracy"].IsNull()) {
      m.measured_accuracy = yaml_double(n["measured_accuracy"], w + ": key 'measured_accuracy'");
      if (!(*m.measured_accuracy >= 0 && *m.measured_accuracy <= 1))
        throw Error(w + ": key 'measured_accuracy' = " + format_g(*m.measured_accuracy, 6) + " is not a fraction in [0, 1]");
    }
    f.rows.push_back(m);
  }
  return f;
}

MeasuredFile read_measured(const std::filesystem::path& path) {
  return guard_yaml(path.string(), [&] { return read_measured_unguarded(path); });
}

}  // namespace ofa::common
