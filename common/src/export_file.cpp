#include "ofa/common/export_file.hpp"

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

namespace {

constexpr const char* kInput = "float32 [N, 3, r, r], normalised as for ImageNet (mean 0.485 0.456 0.406, std 0.229 0.224 0.225)";

std::string level_yaml(const ExportedLevel& l) {
  std::string s = "  - file: " + l.file + "\n";
  s += "    r: " + std::to_string(l.arch.r) + "\n";
  s += "    ks: [" + join_ints(l.arch.ks) + "]\n    e: [" + join_ints(l.arch.e) + "]\n    d: [" + join_ints(l.arch.d) + "]\n";
  s += "    accuracy: " + format_accuracy(l.accuracy) + "\n";
  s += "    accuracy_source: " + l.accuracy_source + "\n";
  s += "    latency_median_ms: " + format_g(l.latency_median_ms, 6) + "\n";
  return s;
}

}  // namespace

std::string format_export_yaml(const ExportManifest& m) {
  std::string s = "format: " + std::string(kExportFormat) + "\n";
  s += "model_format: " + m.model_format + "\n";
  if (m.opset) s += "opset: " + std::to_string(*m.opset) + "\n";
  if (m.batch) s += "batch: " + std::to_string(*m.batch) + "\n";
  s += "library: " + yaml_quoted(m.library) + "\n";
  s += "weights: " + yaml_quoted(m.weights) + "\n";
  s += "space: " + m.space + "\n";
  s += "input: '" + std::string(kInput) + "'\n";
  s += "levels:\n";
  for (const ExportedLevel& l : m.levels) s += level_yaml(l);
  return s;
}

ExportManifest read_export(const std::filesystem::path& file) {
  const std::string where = file.string();
  return guard_yaml(where, [&] {
    const YAML::Node root = load_yaml_file(file);
    if (!root.IsMap()) throw Error(where + ": not a YAML mapping");
    check_yaml_keys(root, {"format", "model_format", "opset", "batch", "library", "weights", "space", "input", "levels"}, where);
    const std::string format = required_string(root, "format", where);
    if (format != kExportFormat) throw Error(where + ": key 'format' = '" + format + "' is not " + kExportFormat);
    ExportManifest m;
    m.model_format = required_string(root, "model_format", where);
    if (m.model_format != "torchscript" && m.model_format != "onnx")
      throw Error(where + ": key 'model_format' = '" + m.model_format + "' is not torchscript or onnx");
    if (root["opset"]) m.opset = yaml_int(root["opset"], where + ": key 'opset'");
    if (root["batch"]) m.batch = yaml_int(root["batch"], where + ": key 'batch'");
    m.library = required_string(root, "library", where);
    m.weights = required_string(root, "weights", where);
    m.space = required_string(root, "space", where);
    if (!root["levels"] || !root["levels"].IsSequence()) throw Error(where + ": key 'levels' is missing or not a list");
    for (std::size_t i = 0; i < root["levels"].size(); ++i) {
      const YAML::Node n = root["levels"][i];
      const std::string w = where + ": levels[" + std::to_string(i) + "]";
      check_yaml_keys(n, {"file", "r", "ks", "e", "d", "accuracy", "accuracy_source", "latency_median_ms"}, w);
      m.levels.push_back({required_string(n, "file", w), arch_from_yaml(n, w), yaml_double(n["accuracy"], w + ": key 'accuracy'"),
                          required_string(n, "accuracy_source", w), yaml_double(n["latency_median_ms"], w + ": key 'latency_median_ms'")});
    }
    return m;
  });
}

}  // namespace ofa::common
