#include "ofa/common/lut_measurement_file.hpp"
#include "ofa/common/candidates_file.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

namespace {
constexpr const char* kFormat = "ofa-lut-measurement/1";
}

std::string format_lut_measurement_yaml(const LutMeasurement& m) {
  std::string s = std::string("format: ") + kFormat + "\nrounds: " + std::to_string(m.rounds) + "\ncalls_per_round: " +
                  std::to_string(m.calls_per_round) + (m.engine.empty() ? "" : "\nengine: " + m.engine) +
                  "\n# per resolution: layer medians of the first half of the rounds against the second\nnoise:" + (m.noise.empty() ? " {}" : "") + "\n";
  for (const auto& [r, n] : m.noise)
    s += "  " + std::to_string(r) + ": {spearman: " + format_g(n.spearman, 4) + ", mape: " + format_g(n.mape, 4) +
         ", layers: " + std::to_string(n.layers) + "}\n";
  return s;
}

LutMeasurement read_lut_measurement(const std::filesystem::path& file) {
  const std::string where = file.string();
  return guard_yaml(where, [&] {
    const YAML::Node root = load_yaml_file(file);
    check_yaml_keys(root, {"format", "rounds", "calls_per_round", "engine", "noise"}, where);
    if (required_string(root, "format", where) != kFormat) throw Error(where + ": 'format' is not " + std::string(kFormat));
    LutMeasurement m;
    m.rounds = required_int(root, "rounds", where);
    m.calls_per_round = required_int(root, "calls_per_round", where);
    if (root["engine"]) {
      m.engine = yaml_string(root["engine"], where + ": key 'engine'");
      if (!is_engine_name(m.engine))
        throw Error(where + ": key 'engine' = '" + m.engine + "' is not eager, optimized, onnxruntime or llga");
    }
    const YAML::Node noise = root["noise"];
    if (!noise || !noise.IsMap()) throw Error(where + ": 'noise' is not a mapping of resolution -> {spearman, mape, layers}");
    for (const auto& kv : noise) {
      const std::string at = where + ": noise." + kv.first.Scalar();
      check_yaml_keys(kv.second, {"spearman", "mape", "layers"}, at);
      m.noise[yaml_int(kv.first, at)] = {yaml_double(kv.second["spearman"], at + ".spearman"), yaml_double(kv.second["mape"], at + ".mape"),
                                         yaml_int(kv.second["layers"], at + ".layers")};
    }
    return m;
  });
}

}  // namespace ofa::common
