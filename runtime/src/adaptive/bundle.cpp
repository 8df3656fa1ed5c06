#include "ofa/runtime/adaptive/bundle.hpp"

#include <algorithm>
#include <cstring>
#include <future>

#include <caffe2/serialize/read_adapter_interface.h>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/sha256.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "ofa/runtime/engine/inference_optimization.hpp"

namespace ofa::runtime {

using common::Error;
namespace fs = std::filesystem;

Bundle read_bundle(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error("bundle " + dir.string() + ": not a folder (a bundle is the folder `ofa-runtime export --out` wrote)");
  const fs::path manifest = dir / "export.yaml";
  if (!fs::exists(manifest, ec)) throw Error("bundle " + dir.string() + ": no export.yaml in it (not a bundle, or not written whole)");
  // Read before the aggregate is built: GCC 11 leaks its members already made when a later
  // initializer throws (docs/jetson.md).
  common::ExportManifest read = common::read_export(manifest);
  return Bundle{dir, std::move(read)};
}

std::string read_bundle_level(const Bundle& bundle, std::size_t index) {
  const common::ExportedLevel& l = bundle.manifest.levels.at(index);
  const fs::path file = bundle.dir / l.file;
  const std::string where = "bundle " + bundle.dir.string() + ": level " + std::to_string(index) + " (" + l.file + ")";
  std::error_code ec;
  if (!fs::exists(file, ec)) throw Error(where + ": the file is missing");
  std::string bytes = common::read_file(file);
  if (static_cast<std::int64_t>(bytes.size()) != l.bytes)
    throw Error(where + ": " + std::to_string(bytes.size()) + " bytes, export.yaml says " + std::to_string(l.bytes) + " (truncated or replaced)");
  if (common::sha256_hex(bytes) != l.sha256) throw Error(where + ": its SHA-256 is not the one export.yaml records (damaged, or another level's file)");
  return bytes;
}

common::LibraryFile bundle_library(const Bundle& bundle) {
  const common::ExportManifest& m = bundle.manifest;
  common::LibraryFile lib;
  static_cast<common::MeasurementSetup&>(lib) = m.setup;
  lib.format_version = m.latency_device.empty() ? 2 : 3;
  lib.measured = m.library;
  lib.accuracy_source = m.accuracy_source;
  lib.latency_device = m.latency_device;
  lib.imported_from = m.latency_device.empty() ? "" : m.library;
  for (const common::ExportedLevel& e : m.levels) {
    common::Level l;
    l.arch = e.arch;
    l.accuracy = e.accuracy;
    l.accuracy_source = e.accuracy_source;
    l.latency_median_ms = e.latency_median_ms;
    l.latency_p90_ms = e.latency_p90_ms;
    l.engine = e.engine;
    // An int8 level's ranges are in its model file, which stands for the calibration file.
    l.precision = {e.precision, e.precision == common::kInt8 ? e.file : ""};
    lib.levels.push_back(l);
  }
  return lib;
}

namespace {

bool runs_file(EngineKind kind, const std::string& model_format) { return (kind == EngineKind::OnnxRuntime) == (model_format == "onnx"); }

}  // namespace

EngineKind bundle_level_engine(const Bundle& bundle, std::size_t index, const std::optional<EngineKind>& forced, const torch::Device& device,
                               OrtProvider provider, std::string* note) {
  const common::ExportedLevel& l = bundle.manifest.levels.at(index);
  const std::string where = "bundle " + bundle.dir.string() + ": level " + std::to_string(index) + " (" + l.file + ")";
  if (forced) {
    if (!runs_file(*forced, l.model_format))
      throw Error(where + " is a " + l.model_format + " file, which the " + engine_name(*forced) + " engine (--engine) cannot run");
    return *forced;
  }
  EngineKind recorded;
  try {
    recorded = parse_engine(l.engine);
  } catch (const Error& e) {  // an engine this build lacks (ONNX Runtime on Debian 12, llga on LibTorch 1.13)
    throw Error(where + " was measured on " + l.engine + ", which this build cannot run (" + e.what() + ")");
  }
  check_engine_device(recorded, device, provider);
  EngineVerdicts& verdicts = EngineVerdicts::registry();
  const EngineVerdict v = verdicts.verdict(recorded, device, provider);
  if (v.right) return recorded;
  // Only another engine for the same file: an ONNX level has no TorchScript twin in the bundle.
  for (EngineKind k : {EngineKind::Optimized, EngineKind::Llga, EngineKind::Eager})
    if (k != recorded && runs_file(k, l.model_format) && (k != EngineKind::Llga || llga_available()) && verdicts.verdict(k, device, provider).right) {
      if (note)
        *note = "level " + std::to_string(index) + " was measured on " + l.engine + ", which is refused on this machine (" + v.reason + "); it is served on " +
                engine_name(k) + " (its latencies are then another engine's)";
      return k;
    }
  throw Error(where + ": its engine " + l.engine + " is refused on this machine (" + v.reason + ") and no other engine runs its " + l.model_format + " file");
}

namespace {

// A level file's bytes as LibTorch's archive reader reads them, without a copy into a stream.
class BytesReader : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit BytesReader(const std::string& bytes) : bytes_(bytes) {}
  size_t size() const override { return bytes_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= bytes_.size()) return 0;
    const size_t k = std::min<size_t>(n, bytes_.size() - static_cast<size_t>(pos));
    std::memcpy(buf, bytes_.data() + pos, k);
    return k;
  }

 private:
  const std::string& bytes_;
};

Engine build_level(const Bundle& bundle, std::size_t i, const std::string& bytes, EngineKind kind, const torch::Device& device,
                   OrtProvider provider, EngineCache& cache) {
  const common::ExportedLevel& l = bundle.manifest.levels[i];
  const std::string where = "bundle " + bundle.dir.string() + ": level " + std::to_string(i) + " (" + l.file + ")";
  try {
    if (kind == EngineKind::OnnxRuntime) return Engine::from_onnx(bytes, l.arch, device, provider, where);
    const torch::jit::Module level = torch::jit::load(std::make_shared<BytesReader>(bytes), device);
    return Engine::from_level_module(level, l.arch, kind, device, &cache);
  } catch (const std::exception& e) {
    throw Error(where + ": cannot serve it on the " + std::string(engine_name(kind)) + " engine: " + common::first_line(e.what()));
  }
}

}  // namespace

BuiltLevels build_bundle_levels(const Bundle& bundle, const std::optional<EngineKind>& forced, const torch::Device& device, OrtProvider provider) {
  BuiltLevels built;
  built.weights_source = "bundle " + bundle.dir.string() + " (from " + bundle.manifest.setup.weights + ")";
  std::vector<EngineKind> kinds;  // every engine decided (and refused) before a file is read
  for (std::size_t i = 0; i < bundle.manifest.levels.size(); ++i) {
    std::string note;
    kinds.push_back(bundle_level_engine(bundle, i, forced, device, provider, &note));
    if (!note.empty()) built.notes.push_back(note);
  }
  // Level i + 1's file is read and its SHA-256 checked while level i is built: the check costs
  // the first file's time only, and no file is built before it has passed.
  EngineCache cache;
  auto read = [&bundle](std::size_t i) { return std::async(std::launch::async, [&bundle, i] { return read_bundle_level(bundle, i); }); };
  std::future<std::string> next = read(0);
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const std::string bytes = next.get();
    if (i + 1 < kinds.size()) next = read(i + 1);
    built.engines.push_back(build_level(bundle, i, bytes, kinds[i], device, provider, cache));
  }
  built.shared_bytes = cache.weight_bytes();
  return built;
}

}  // namespace ofa::runtime
