#include "ofa/common/export_file.hpp"

#include <set>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/candidates_file.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/precision.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

namespace {

constexpr const char* kInput = "float32 [N, 3, h, w], normalised as for ImageNet (mean 0.485 0.456 0.406, std 0.229 0.224 0.225); resized to r when h, w differ";

std::string level_yaml(const ExportedLevel& l) {
  std::string s = "  - file: " + yaml_quoted(l.file) + "\n";
  s += "    model_format: " + l.model_format + "\n";
  s += "    engine: " + l.engine + "\n";
  s += "    r: " + std::to_string(l.arch.r) + "\n";
  s += "    ks: [" + join_ints(l.arch.ks) + "]\n    e: [" + join_ints(l.arch.e) + "]\n    d: [" + join_ints(l.arch.d) + "]\n";
  s += "    accuracy: " + format_accuracy(l.accuracy) + "\n";
  s += "    accuracy_source: " + l.accuracy_source + "\n";
  s += "    latency_median_ms: " + format_g(l.latency_median_ms, 6) + "\n";
  s += "    latency_p90_ms: " + format_g(l.latency_p90_ms, 6) + "\n";
  s += "    bytes: " + std::to_string(l.bytes) + "\n";
  s += "    sha256: " + l.sha256 + "\n";
  if (l.int8) s += "    precision: int8\n    int8: " + format_int8_setup(*l.int8) + "\n";
  return s;
}

// Which engines serve a model format (a TorchScript file never runs on ONNX Runtime, nor the reverse).
bool engine_runs_format(const std::string& engine, const std::string& format) {
  if (format == "onnx") return engine == "onnxruntime";
  return engine == "optimized" || engine == "llga" || engine == "eager";
}

ExportedLevel read_exported_level(const YAML::Node& n, const SearchSpace& space, const std::string& w) {
  check_yaml_keys(n, {"file", "model_format", "engine", "r", "ks", "e", "d", "accuracy", "accuracy_source", "latency_median_ms",
                      "latency_p90_ms", "bytes", "sha256", "precision", "int8"}, w);
  ExportedLevel l;
  l.file = required_string(n, "file", w);
  // A bundle moves as a folder: a level outside it would not move with it.
  const std::filesystem::path f(l.file);
  if (l.file.empty() || f.is_absolute() || f.has_parent_path() || l.file == "." || l.file == "..")
    throw Error(w + ": key 'file' = " + yaml_quoted(l.file) + " is not a file name inside the bundle's folder");
  l.model_format = required_string(n, "model_format", w);
  if (l.model_format != "torchscript" && l.model_format != "onnx")
    throw Error(w + ": key 'model_format' = '" + l.model_format + "' is not torchscript or onnx");
  l.engine = required_string(n, "engine", w);
  if (!engine_runs_format(l.engine, l.model_format))
    throw Error(w + ": key 'engine' = '" + l.engine + "' cannot run a " + l.model_format + " file");
  l.arch = arch_from_yaml(n, w);
  try {
    validate(space, l.arch);
  } catch (const Error& e) {
    throw Error(w + ": " + e.what());
  }
  l.accuracy = yaml_double(n["accuracy"], w + ": key 'accuracy'");
  l.accuracy_source = required_string(n, "accuracy_source", w);
  l.latency_median_ms = yaml_double(n["latency_median_ms"], w + ": key 'latency_median_ms'");
  l.latency_p90_ms = yaml_double(n["latency_p90_ms"], w + ": key 'latency_p90_ms'");
  l.bytes = static_cast<std::int64_t>(yaml_uint64(n["bytes"], w + ": key 'bytes'"));
  l.sha256 = required_string(n, "sha256", w);
  if (l.sha256.size() != 64 || l.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw Error(w + ": key 'sha256' = " + yaml_quoted(l.sha256) + " is not 64 lowercase hex digits");
  if (n["precision"]) l.precision = required_string(n, "precision", w);
  if (!is_precision_name(l.precision)) throw Error(w + ": key 'precision' = '" + l.precision + "' is not fp32 or int8");
  if (l.precision == kInt8) {
    if (l.model_format != "onnx") throw Error(w + ": an int8 level is an ONNX model, not " + l.model_format);
    l.int8 = read_int8_setup(n["int8"], w + ": int8");
  } else if (n["int8"]) {
    throw Error(w + ": key 'int8' on a fp32 level");
  }
  return l;
}

}  // namespace

std::string format_export_yaml(const ExportManifest& m) {
  std::string s = "format: " + std::string(kExportFormat) + "\n";
  s += format_setup_yaml(m.setup);
  s += "accuracy_source: " + m.accuracy_source + "\n";
  if (!m.latency_device.empty()) s += "latency_device: " + yaml_quoted(m.latency_device) + "\n";
  s += "library: " + yaml_quoted(m.library) + "\n";
  if (m.opset) s += "opset: " + std::to_string(*m.opset) + "\n";
  s += "onnx_batch: " + std::to_string(m.onnx_batch) + "\n";
  s += "input: '" + std::string(kInput) + "'\n";
  s += "levels:\n";
  for (const ExportedLevel& l : m.levels) s += level_yaml(l);
  return s;
}

static ExportManifest read_export_unguarded(const std::filesystem::path& file) {
  const std::string where = file.string();
  const YAML::Node root = load_yaml_file(file);
  if (!root.IsMap()) throw Error(where + ": not a bundle manifest (expected a YAML mapping)");
  const std::string format = root["format"] ? yaml_string(root["format"], where + ": key 'format'") : "";
  if (format == "ofa-export/1" || format == "ofa-export/2")
    throw Error(where + ": format '" + format + "' was written before bundles (no setup, no checksums): export the library again");
  if (format != kExportFormat) throw Error(where + ": key 'format' = '" + format + "' is not " + kExportFormat);
  check_yaml_keys(root, {"format", "space", "elastic_kernel", "profile_name", "device", "engine", "ort_provider", "allow_tf32", "machine",
                         "libtorch", "threads", "batch", "weights", "accuracy_source", "latency_device", "library", "opset", "onnx_batch",
                         "input", "levels"}, where);
  ExportManifest m;
  m.setup = read_setup_yaml(root, where, true);
  const SearchSpace space = file_space(m.setup.space, m.setup.elastic_kernel, where);
  m.accuracy_source = required_string(root, "accuracy_source", where);
  if (root["latency_device"]) m.latency_device = yaml_string(root["latency_device"], where + ": key 'latency_device'");
  m.library = required_string(root, "library", where);
  if (root["opset"]) m.opset = yaml_int(root["opset"], where + ": key 'opset'");
  m.onnx_batch = required_int(root, "onnx_batch", where);
  if (m.onnx_batch < 0) throw Error(where + ": key 'onnx_batch' = " + std::to_string(m.onnx_batch) + " is negative");
  const YAML::Node list = root["levels"];
  if (!list || !list.IsSequence() || list.size() == 0) throw Error(where + ": key 'levels' must be a non-empty list");
  std::set<std::string> files;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string w = where + ": levels[" + std::to_string(i) + "]";
    m.levels.push_back(read_exported_level(list[i], space, w));
    if (!files.insert(m.levels.back().file).second) throw Error(w + ": key 'file' = " + yaml_quoted(m.levels.back().file) + " names another level's file too");
  }
  // The runtime's policy needs what a library guarantees: fastest first, none dominated.
  std::vector<Level> order;
  for (const ExportedLevel& l : m.levels) {
    Level level;
    level.arch = l.arch;
    level.accuracy = l.accuracy;
    level.accuracy_source = l.accuracy_source;
    level.latency_median_ms = l.latency_median_ms;
    level.latency_p90_ms = l.latency_p90_ms;
    order.push_back(std::move(level));
  }
  check_levels(order, where);
  return m;
}

ExportManifest read_export(const std::filesystem::path& file) {
  return guard_yaml(file.string(), [&] { return read_export_unguarded(file); });
}

}  // namespace ofa::common
