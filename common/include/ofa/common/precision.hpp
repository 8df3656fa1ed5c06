// Precisions a network runs at, as every flag and file spells them.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace ofa::common {

// fp32: the float32 network on any engine; int8: its QDQ model (int8 weights per channel, uint8
// activations with calibrated ranges) on ONNX Runtime.
inline constexpr std::string_view kFp32 = "fp32";
inline constexpr std::string_view kInt8 = "int8";

bool is_precision_name(std::string_view name);
// "fp32,int8" -> {"fp32", "int8"}: each a precision, none twice, at least one; Error naming
// `flag` and the value otherwise.
std::vector<std::string> parse_precision_list(std::string_view text, std::string_view flag);

// What a measured row, a library level and a bundle's level say of their precision: fp32, or
// int8 with the calibration file (ofa-int8-calibration/1, relative to the file's folder) that
// holds its quantization setup and ranges.
struct ItemPrecision {
  std::string precision = std::string(kFp32);
  std::string int8;  // the calibration file; "" for fp32
  bool operator==(const ItemPrecision&) const = default;
};
// The item's `precision` and `int8` keys: both absent (fp32, every file before int8), or
// `precision: int8` with its `int8` file; anything else is Error prefixed by `where`.
ItemPrecision read_item_precision(const YAML::Node& item, const std::string& where);
// The keys as an item of a YAML list writes them (each line `indent`ed); nothing for fp32.
std::string format_item_precision(const ItemPrecision& p, const std::string& indent);

}  // namespace ofa::common
