#include "ofa/common/int8_calibration_file.hpp"

#include <cmath>

#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

namespace {

constexpr const char* kFormat = "ofa-int8-calibration/1";

}  // namespace

Int8Setup read_int8_setup(const YAML::Node& n, const std::string& w) {
  if (!n || !n.IsMap()) throw Error(w + ": missing or not a mapping");
  check_yaml_keys(n, {"method", "percentile", "fp32_ends", "calib_images", "calib_count", "seed"}, w);
  Int8Setup s;
  s.method = required_string(n, "method", w);
  if (s.method != "minmax" && s.method != "percentile") throw Error(w + ": key 'method' = '" + s.method + "' is not minmax or percentile");
  if (s.method == "percentile") {
    s.percentile = yaml_double(n["percentile"], w + ": key 'percentile'");
    if (!(s.percentile > 50 && s.percentile <= 100)) throw Error(w + ": key 'percentile' = " + format_g(s.percentile, 9) + " is not in (50, 100]");
  }
  s.fp32_ends = yaml_bool(n["fp32_ends"], w + ": key 'fp32_ends'");
  s.calib_images = required_string(n, "calib_images", w);
  s.calib_count = required_int(n, "calib_count", w);
  if (s.calib_count < 1) throw Error(w + ": key 'calib_count' = " + std::to_string(s.calib_count) + " must be at least 1");
  s.seed = yaml_uint64(n["seed"], w + ": key 'seed'");
  return s;
}

std::string format_int8_setup(const Int8Setup& s) {
  std::string out = "{method: " + s.method;
  if (s.method == "percentile") out += ", percentile: " + format_g(s.percentile, 9);
  return out + ", fp32_ends: " + (s.fp32_ends ? "true" : "false") + ", calib_images: " + yaml_quoted(s.calib_images) +
         ", calib_count: " + std::to_string(s.calib_count) + ", seed: " + std::to_string(s.seed) + "}";
}

std::string format_int8_calibration_yaml(const Int8Calibration& c) {
  std::string s = std::string("format: ") + kFormat + "\nsetup: " + format_int8_setup(c.setup) +
                  "\n# per value of the exported ONNX graph: [lo, hi] its uint8 range covers (widened to hold 0)\nranges:" +
                  (c.ranges.empty() ? " {}" : "") + "\n";
  for (const auto& [name, r] : c.ranges) s += "  " + yaml_quoted(name) + ": [" + format_g(r.first, 9) + ", " + format_g(r.second, 9) + "]\n";
  return s;
}

Int8Calibration read_int8_calibration(const std::filesystem::path& file) {
  const std::string where = file.string();
  return guard_yaml(where, [&] {
    const YAML::Node root = load_yaml_file(file);
    check_yaml_keys(root, {"format", "setup", "ranges"}, where);
    if (required_string(root, "format", where) != kFormat) throw Error(where + ": 'format' is not " + std::string(kFormat));
    Int8Calibration c;
    c.setup = read_int8_setup(root["setup"], where + ": setup");
    const YAML::Node ranges = root["ranges"];
    if (!ranges || !ranges.IsMap() || ranges.size() == 0) throw Error(where + ": 'ranges' is not a non-empty mapping of value -> [lo, hi]");
    for (const auto& kv : ranges) {
      const std::string name = kv.first.Scalar(), at = where + ": ranges." + name;
      if (!kv.second.IsSequence() || kv.second.size() != 2) throw Error(at + ": not a pair [lo, hi]");
      const double lo = yaml_double(kv.second[0], at), hi = yaml_double(kv.second[1], at);
      if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) throw Error(at + ": [" + format_g(lo, 9) + ", " + format_g(hi, 9) + "] is not a finite range");
      if (!c.ranges.emplace(name, std::pair{lo, hi}).second) throw Error(at + ": given twice");
    }
    return c;
  });
}

}  // namespace ofa::common
