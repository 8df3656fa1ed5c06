#include "ofa/common/precision.hpp"

#include <algorithm>

#include "ofa/common/error.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

bool is_precision_name(std::string_view name) { return name == kFp32 || name == kInt8; }

std::vector<std::string> parse_precision_list(std::string_view text, std::string_view flag) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string item(text.substr(start, end - start));
    if (!is_precision_name(item))
      throw Error(std::string(flag) + " '" + std::string(text) + "': '" + item + "' is not a precision (fp32 or int8)");
    if (std::find(out.begin(), out.end(), item) != out.end()) throw Error(std::string(flag) + " '" + std::string(text) + "' names " + item + " twice");
    out.push_back(item);
    start = end + 1;
  }
  return out;
}

ItemPrecision read_item_precision(const YAML::Node& item, const std::string& w) {
  ItemPrecision p;
  if (item["precision"]) p.precision = yaml_string(item["precision"], w + ": key 'precision'");
  if (!is_precision_name(p.precision)) throw Error(w + ": key 'precision' = '" + p.precision + "' is not fp32 or int8");
  if (item["int8"] && !item["int8"].IsNull()) p.int8 = yaml_string(item["int8"], w + ": key 'int8'");
  if (p.precision == kInt8 && p.int8.empty()) throw Error(w + ": precision int8 without its 'int8' calibration file");
  if (p.precision == kFp32 && !p.int8.empty()) throw Error(w + ": key 'int8' on a fp32 item (only int8 items have a calibration file)");
  return p;
}

std::string format_item_precision(const ItemPrecision& p, const std::string& indent) {
  if (p.precision == kFp32) return "";
  return indent + "precision: " + p.precision + "\n" + indent + "int8: " + yaml_quoted(p.int8) + "\n";
}

}  // namespace ofa::common
