#include "ofa/common/engine_verdicts_file.hpp"

#include <yaml-cpp/yaml.h>

#include "ofa/common/error.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

namespace {
constexpr const char* kFormat = "ofa-engine-verdicts/1";
}

std::string format_engine_verdicts_yaml(const EngineVerdictsFile& f) {
  YAML::Emitter y;
  y << YAML::BeginMap << YAML::Key << "format" << YAML::Value << kFormat;
  y << YAML::Key << "machine" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : f.machine) y << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
  y << YAML::EndMap << YAML::Key << "engines" << YAML::Value << YAML::BeginSeq;
  for (const auto& e : f.engines) {
    y << YAML::BeginMap << YAML::Key << "engine" << YAML::Value << e.engine << YAML::Key << "device" << YAML::Value << e.device;
    y << YAML::Key << "right" << YAML::Value << e.right << YAML::Key << "reason" << YAML::Value << YAML::DoubleQuoted << e.reason;
    y << YAML::Key << "max_error" << YAML::Value << e.max_error << YAML::Key << "tolerance" << YAML::Value << e.tolerance;
    y << YAML::Key << "check_seconds" << YAML::Value << e.check_seconds << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

EngineVerdictsFile read_engine_verdicts(const std::filesystem::path& file) {
  const std::string where = file.string();
  return guard_yaml(where, [&] {
    const YAML::Node root = load_yaml_file(file);
    check_yaml_keys(root, {"format", "machine", "engines"}, where);
    if (const std::string f = required_string(root, "format", where); f != kFormat)
      throw Error(where + ": 'format' is '" + f + "', not " + std::string(kFormat));
    EngineVerdictsFile f;
    const YAML::Node machine = root["machine"];
    if (!machine || !machine.IsMap()) throw Error(where + ": 'machine' is not a mapping");
    for (const auto& kv : machine) f.machine.emplace_back(kv.first.Scalar(), yaml_string(kv.second, where + ": machine." + kv.first.Scalar()));
    const YAML::Node engines = root["engines"];
    if (!engines || !engines.IsSequence()) throw Error(where + ": 'engines' is not a list");
    for (std::size_t i = 0; i < engines.size(); ++i) {
      const YAML::Node e = engines[i];
      const std::string at = where + ": engines[" + std::to_string(i) + "]";
      check_yaml_keys(e, {"engine", "device", "right", "reason", "max_error", "tolerance", "check_seconds"}, at);
      EngineVerdictRecord r;
      r.engine = required_string(e, "engine", at);
      r.device = required_string(e, "device", at);
      if (!e["right"]) throw Error(at + ": key 'right' is missing");
      r.right = yaml_bool(e["right"], at + ".right");
      r.reason = e["reason"] ? yaml_string(e["reason"], at + ".reason") : "";
      if (!r.right && r.reason.empty()) throw Error(at + ": a refused engine needs a 'reason'");
      r.max_error = e["max_error"] ? yaml_double(e["max_error"], at + ".max_error") : 0;
      r.tolerance = e["tolerance"] ? yaml_double(e["tolerance"], at + ".tolerance") : 0;
      r.check_seconds = e["check_seconds"] ? yaml_double(e["check_seconds"], at + ".check_seconds") : 0;
      f.engines.push_back(r);
    }
    return f;
  });
}

}  // namespace ofa::common
