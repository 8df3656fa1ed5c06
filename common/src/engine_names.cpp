#include "ofa/common/engine_names.hpp"

#include <algorithm>

#include "ofa/common/error.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

bool is_engine_name(std::string_view name) { return std::find(kEngineNames.begin(), kEngineNames.end(), name) != kEngineNames.end(); }

std::string engine_name_list(bool with_auto) {
  std::vector<std::string_view> names(kEngineNames.begin(), kEngineNames.end());
  if (with_auto) names.push_back(kAutoEngine);
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) s += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
  return s;
}

std::string read_engine_key(const YAML::Node& root, const std::string& where) {
  if (!root["engine"]) return "eager";
  const std::string engine = yaml_string(root["engine"], where + ": key 'engine'");
  if (!is_engine_name(engine) && engine != kAutoEngine)
    throw Error(where + ": key 'engine' = '" + engine + "' is not " + engine_name_list(true));
  return engine;
}

std::string read_item_engine(const YAML::Node& item, const std::string& file_engine, const std::string& where) {
  if (file_engine != kAutoEngine) {
    if (item["engine"]) throw Error(where + ": key 'engine' is only for files whose engine is auto (this one's is " + file_engine + ")");
    return "";
  }
  if (!item["engine"]) throw Error(where + ": missing key 'engine' (the file's engine is auto: each names the engine it was measured on)");
  const std::string engine = yaml_string(item["engine"], where + ": key 'engine'");
  if (!is_engine_name(engine)) throw Error(where + ": key 'engine' = '" + engine + "' is not " + engine_name_list());
  return engine;
}

}  // namespace ofa::common
