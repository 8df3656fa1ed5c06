#include "ofa/common/measured_file.hpp"

#include <set>

#include "ofa/common/yaml_values.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::common {

using namespace ofa::common;

std::string format_measured_yaml(const MeasuredFile& f) {
  std::string s = "format: ofa-measured/1\n";
  s += "candidates: " + yaml_quoted(f.candidates) + "\n";
  s += format_setup_yaml(f);
  s += "warmup: " + std::to_string(f.warmup) + "\n";
  s += "repeats: " + std::to_string(f.repeats) + "\n";
  s += "rounds: " + std::to_string(f.rounds) + "\n";
  if (f.noise)
    s += "noise: {spearman: " + format_g(f.noise->spearman, 6) + ", mape: " + format_g(f.noise->mape, 6) + ", items: " + std::to_string(f.noise->items) +
         "}  # first half of the rounds against the second\n";
  s += "lut_calibration: " + format_calibration_key(f.lut_calibration) + "\n";
  if (f.accuracy_setup) s += "accuracy_setup: " + format_accuracy_setup(*f.accuracy_setup) + "\n";
  // An empty list as [] (yaml-cpp 0.8 reads a bare `measurements:` as null).
  s += f.rows.empty() ? "measurements: []\n" : "measurements:\n";
  for (const auto& m : f.rows) {
    s += format_candidate_fields(m.candidate, "  - ", "    ");
    s += "    measured: {count: " + std::to_string(m.measured.count) + ", mean_ms: " + format_g(m.measured.mean_ms, 8) +
         ", median_ms: " + format_g(m.measured.median_ms, 8) + ", p10_ms: " + format_g(m.measured.p10_ms, 8) +
         ", p90_ms: " + format_g(m.measured.p90_ms, 8) + ", std_ms: " + format_g(m.measured.std_ms, 8) + "}\n";
    if (m.measured_accuracy) s += "    measured_accuracy: " + format_accuracy(*m.measured_accuracy) + "\n";
    if (m.top5) s += "    top5: " + format_accuracy(*m.top5) + "\n";
    if (m.accuracy_images) s += "    accuracy_images: " + std::to_string(m.accuracy_images) + "\n";
    if (!m.bn.empty()) s += "    bn: " + yaml_quoted(m.bn) + "\n";
    if (!m.engine.empty()) s += "    engine: " + m.engine + "\n";
    s += format_item_precision(m.precision, "    ");
  }
  return s;
}

std::string format_accuracy_setup(const AccuracySetup& a) {
  return "{weights: " + yaml_quoted(a.weights) + ", val_images: " + yaml_quoted(a.val_images) + ", limit: " + std::to_string(a.limit) +
         ", calibration: " + a.calibration + ", calib_images: " + yaml_quoted(a.calib_images) + ", calib_count: " + std::to_string(a.calib_count) +
         ", calib_batch: " + std::to_string(a.calib_batch) + ", seed: " + std::to_string(a.seed) + "}";
}

AccuracySetup read_accuracy_setup(const YAML::Node& a, const std::string& w) {
  if (!a.IsMap()) throw Error(w + ": must be a map");
  check_yaml_keys(a, {"weights", "val_images", "limit", "calibration", "calib_images", "calib_count", "calib_batch", "seed"}, w);
  AccuracySetup s;
  s.weights = required_string(a, "weights", w);
  s.val_images = required_string(a, "val_images", w);
  s.limit = required_int(a, "limit", w);
  s.calibration = required_string(a, "calibration", w);
  if (s.calibration != "images" && s.calibration != "none") throw Error(w + ": key 'calibration' = '" + s.calibration + "' is not images or none");
  s.calib_images = required_string(a, "calib_images", w);
  s.calib_count = required_int(a, "calib_count", w);
  s.calib_batch = required_int(a, "calib_batch", w);
  s.seed = yaml_uint64(a["seed"], w + ": key 'seed'");
  return s;
}

static std::optional<AccuracySetup> read_optional_accuracy_setup(const YAML::Node& a, const std::string& where) {
  if (!a || a.IsNull()) return std::nullopt;
  return read_accuracy_setup(a, where + ": accuracy_setup");
}

// A row's timing, which must describe a distribution: a p90 below the median would be silently
// "repaired" downstream, a non-positive median would rank first.
static TimingStats read_row_timing(const YAML::Node& n, const std::string& w) {
  const YAML::Node t = n["measured"];
  if (!t || !t.IsMap()) throw Error(w + ": missing key 'measured'");
  TimingStats m;
  m.count = yaml_int(t["count"], w + ": measured.count");
  m.mean_ms = yaml_double(t["mean_ms"], w + ": measured.mean_ms");
  m.median_ms = yaml_double(t["median_ms"], w + ": measured.median_ms");
  m.p10_ms = yaml_double(t["p10_ms"], w + ": measured.p10_ms");
  m.p90_ms = yaml_double(t["p90_ms"], w + ": measured.p90_ms");
  m.std_ms = yaml_double(t["std_ms"], w + ": measured.std_ms");
  if (!(m.median_ms > 0)) throw Error(w + ": measured.median_ms = " + format_g(m.median_ms, 6) + " must be positive");
  if (!(m.p10_ms <= m.median_ms && m.median_ms <= m.p90_ms))
    throw Error(w + ": measured p10_ms <= median_ms <= p90_ms does not hold (" + format_g(m.p10_ms, 6) + ", " + format_g(m.median_ms, 6) + ", " +
                format_g(m.p90_ms, 6) + ")");
  return m;
}

// A fraction key of a row (measured_accuracy, top5): absent or null is none.
static std::optional<double> read_fraction(const YAML::Node& n, const char* key, const std::string& w) {
  if (!n[key] || n[key].IsNull()) return std::nullopt;
  const double v = yaml_double(n[key], w + ": key '" + key + "'");
  if (!(v >= 0 && v <= 1)) throw Error(w + ": key '" + key + "' = " + format_g(v, 6) + " is not a fraction in [0, 1]");
  return v;
}

static MeasuredRow read_row(const YAML::Node& n, const SearchSpace& space, const std::string& file_engine, const std::string& w) {
  MeasuredRow m;
  m.candidate = parse_candidate_fields(n, w);
  check_row_arch(space, m.candidate, w);
  m.measured = read_row_timing(n, w);
  m.measured_accuracy = read_fraction(n, "measured_accuracy", w);
  m.top5 = read_fraction(n, "top5", w);
  if (n["accuracy_images"]) {
    m.accuracy_images = yaml_int(n["accuracy_images"], w + ": key 'accuracy_images'");
    if (m.accuracy_images < 1) throw Error(w + ": key 'accuracy_images' = " + std::to_string(m.accuracy_images) + " must be positive");
  }
  if (n["bn"]) m.bn = yaml_string(n["bn"], w + ": key 'bn'");
  m.engine = read_item_engine(n, file_engine, w);
  m.precision = read_item_precision(n, w);
  return m;
}

static MeasuredFile read_measured_unguarded(const std::filesystem::path& path) {
  const YAML::Node root = load_yaml_file(path);
  const std::string where = path.string();
  if (!root.IsMap() || !root["format"] || root["format"].Scalar() != "ofa-measured/1")
    throw Error(where + ": not an ofa-measured/1 file");
  MeasuredFile f;
  f.candidates = required_string(root, "candidates", where);
  static_cast<MeasurementSetup&>(f) = read_setup_yaml(root, where, true);
  f.warmup = required_int(root, "warmup", where);
  f.repeats = required_int(root, "repeats", where);
  if (root["rounds"]) {
    f.rounds = yaml_int(root["rounds"], where + ": key 'rounds'");
    if (f.rounds < 1) throw Error(where + ": key 'rounds' = " + std::to_string(f.rounds) + " must be >= 1");
  }
  if (const YAML::Node n = root["noise"]; n && !n.IsNull()) {
    if (!n.IsMap()) throw Error(where + ": key 'noise' must be a map");
    check_yaml_keys(n, {"spearman", "mape", "items"}, where + ": noise");
    f.noise = MeasurementNoise{yaml_double(n["spearman"], where + ": noise.spearman"), yaml_double(n["mape"], where + ": noise.mape"),
                               yaml_int(n["items"], where + ": noise.items")};
  }
  f.lut_calibration = parse_calibration_key(root["lut_calibration"], where);
  f.accuracy_setup = read_optional_accuracy_setup(root["accuracy_setup"], where);
  const YAML::Node list = root["measurements"];
  if (!list || !list.IsSequence()) throw Error(where + ": key 'measurements' must be a list");
  const SearchSpace space = file_space(f.space, f.elastic_kernel, where);
  std::set<std::pair<int, std::string>> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string w = where + ": measurements[" + std::to_string(i) + "]";
    MeasuredRow m = read_row(list[i], space, f.engine, w);
    if (!ids.insert({m.candidate.id, m.precision.precision}).second)
      throw Error(w + ": candidate id " + std::to_string(m.candidate.id) + " appears twice at " + m.precision.precision);
    f.rows.push_back(std::move(m));
  }
  return f;
}

MeasuredFile read_measured(const std::filesystem::path& path) {
  return guard_yaml(path.string(), [&] { return read_measured_unguarded(path); });
}

}  // namespace ofa::common
