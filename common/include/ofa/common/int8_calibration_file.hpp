// A network's int8 calibration (ofa-int8-calibration/1): how its activation ranges were taken, and the ranges.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include <yaml-cpp/yaml.h>

namespace ofa::common {

// Activation value (by its name in the exported ONNX graph) -> the [lo, hi] its uint8 range covers.
using ValueRanges = std::map<std::string, std::pair<double, double>>;

// How the ranges were calibrated: the method, and the images (drawn and augmented as for BN
// recalibration: the folder, how many, the seed). What a measured row, a library level and a
// bundle's level record beside `precision: int8`.
struct Int8Setup {
  std::string method = "percentile";  // minmax | percentile
  double percentile = 99.99;          // percentile's kept share of values (%); unused by minmax
  bool fp32_ends = false;             // the first convolution and the classifier stayed float32
  std::string calib_images;           // the calibration folder
  int calib_count = 0;                // images drawn from it
  std::uint64_t seed = 0;
  bool operator==(const Int8Setup&) const = default;
};
// As a YAML flow mapping, and read back (errors prefixed by `where`).
std::string format_int8_setup(const Int8Setup& setup);
Int8Setup read_int8_setup(const YAML::Node& node, const std::string& where);

struct Int8Calibration {
  Int8Setup setup;
  ValueRanges ranges;
};

std::string format_int8_calibration_yaml(const Int8Calibration& calibration);
// Reads and checks one: the format, every key, each range finite with lo <= hi. Errors name
// the file and the value.
Int8Calibration read_int8_calibration(const std::filesystem::path& file);

}  // namespace ofa::common
