#include "ofa/runtime/adaptive/library_levels.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/engine/state_dict.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "ofa/common/int8_calibration_file.hpp"
#include "ofa/runtime/quant/int8_subnet.hpp"

namespace ofa::runtime {

using namespace ofa::common;

Supernet library_supernet(const common::LibraryFile& lib, const std::filesystem::path& path,
                          const std::optional<std::filesystem::path>& weights, std::uint64_t seed) {
  const SearchSpace space = search_space(lib.space, lib.elastic_kernel);
  std::optional<std::filesystem::path> file = weights;
  if (!file && lib.weights != "random") {
    file = weights_path(lib, path);
    std::error_code ec;
    if (!std::filesystem::exists(*file, ec))
      throw Error(path.string() + ": key 'weights' = '" + lib.weights + "' (" + file->string() +
                  ") does not exist (give --weights, or measure with random weights)");
  }
  return file ? Supernet::load(*file, space) : Supernet::random(space, seed);
}

Subnet level_subnet(const common::LibraryFile& lib, std::size_t i, const std::filesystem::path& library_dir, const Supernet& supernet,
                    WeightSlicer& slicer) {
  const common::Level& l = lib.levels.at(i);
  const std::string where = "level " + std::to_string(i);
  try {
    const SearchSpace space = search_space(lib.space, lib.elastic_kernel);
    if (l.bn.empty()) return Subnet::from_supernet(space, l.arch, supernet, slicer);
    const std::filesystem::path bn = std::filesystem::path(l.bn).is_absolute() ? std::filesystem::path(l.bn) : library_dir / l.bn;
    const StateDict stats = load_state_dict(bn);
    const Supernet with_bn = supernet.with_bn_overrides(stats, bn.string());
    Subnet net = Subnet::from_supernet(space, l.arch, with_bn, slicer);
    check_bn_file(stats, net, bn.string());
    return net;
  } catch (const Error& e) {
    throw Error(where + " (" + to_string(l.arch) + "): " + e.what());
  } catch (const c10::Error& e) {
    throw Error(where + " (" + to_string(l.arch) + "): " + e.what_without_backtrace());
  }
}

EngineKind library_engine(const common::LibraryFile& lib, std::size_t index, const std::string& where) {
  const common::Level& l = lib.levels.at(index);
  const std::string& name = l.engine.empty() ? lib.engine : l.engine;
  try {
    return parse_engine(name);
  } catch (const Error& e) {
    throw Error(where + ": levels[" + std::to_string(index) + "]: level " + std::to_string(index) + " was measured on the " + name +
                " engine, which this build cannot run (" + e.what() + "); --engine optimized runs it on LibTorch (its latencies then are another engine's)");
  }
}

EngineKind serving_engine(const common::LibraryFile& lib, std::size_t index, const torch::Device& device, OrtProvider provider,
                          std::string* note, const std::string& where) {
  const EngineKind recorded = library_engine(lib, index, where);
  check_engine_device(recorded, device, provider);  // an engine that cannot run there is the user's to change
  EngineVerdicts& verdicts = EngineVerdicts::registry();
  const EngineVerdict v = verdicts.verdict(recorded, device, provider);
  if (v.right) return recorded;
  std::vector<EngineKind> order = auto_engines(device, provider);
  order.push_back(EngineKind::Eager);
  for (EngineKind k : order)
    if (k != recorded && verdicts.verdict(k, device, provider).right) {
      if (note)
        *note = "level " + std::to_string(index) + " was measured on " + engine_name(recorded) + ", which is refused on this machine (" + v.reason +
                "); it is served on " + engine_name(k) + " (its latencies are then another engine's)";
      return k;
    }
  throw Error(where + ": levels[" + std::to_string(index) + "]: no engine is right on this machine: " + v.reason);
}

common::LibraryFile served_at_precision(common::LibraryFile library, const std::optional<std::string>& precision, bool convert, bool bundle) {
  if (!precision) {
    if (convert) throw Error("--convert-precision converts levels to --precision: give it");
    return library;
  }
  if (!is_precision_name(*precision)) throw Error("--precision '" + *precision + "' is not fp32 or int8");
  for (std::size_t i = 0; i < library.levels.size(); ++i) {
    common::ItemPrecision& p = library.levels[i].precision;
    if (p.precision == *precision) continue;
    const std::string level = "level " + std::to_string(i) + " was measured at " + p.precision + " (its latency and accuracy are " + p.precision + "'s)";
    if (!convert)
      throw Error("--precision " + *precision + ": " + level + "; leave --precision out to serve each level at its own" +
                  (bundle ? "" : ", or add --convert-precision"));
    if (bundle) throw Error("--precision " + *precision + " --convert-precision: " + level + " and a bundle's level is the file it holds; export again");
    if (p.precision == common::kFp32)
      throw Error("--precision int8 --convert-precision: " + level +
                  " and has no int8 calibration; export the library with --precision int8 --calib-images DIR and serve the bundle");
    p = common::ItemPrecision{};
  }
  return library;
}

std::string level_int8_model(const common::LibraryFile& lib, std::size_t i, const std::filesystem::path& library_dir, const Subnet& net,
                             std::int64_t batch) {
  const common::Level& l = lib.levels.at(i);
  const std::filesystem::path file = library_dir / l.precision.int8;  // an absolute path stays itself
  try {
    const common::Int8Calibration c = common::read_int8_calibration(file);
    return int8_subnet_bytes(net, c.ranges, QdqOptions{c.setup.fp32_ends}, batch);
  } catch (const Error& e) {
    throw Error("level " + std::to_string(i) + " (int8): " + file.string() + ": " + e.what());
  }
}

Engine int8_level_engine(const common::LibraryFile& lib, std::size_t i, const std::filesystem::path& library_dir, const Subnet& net,
                         const std::optional<EngineKind>& forced, const torch::Device& device, OrtProvider provider) {
  const std::string level = "level " + std::to_string(i) + " (int8)";
  if (forced && *forced != EngineKind::OnnxRuntime)
    throw Error(level + ": int8 levels run on onnxruntime only, not --engine " + engine_name(*forced) + " (--precision fp32 --convert-precision runs its fp32 network)");
  if (!onnxruntime_available())
    throw Error(level + ": int8 levels run on ONNX Runtime, which this build lacks (Debian 13's libonnxruntime-dev; or --precision fp32 --convert-precision)");
  return Engine::from_onnx(level_int8_model(lib, i, library_dir, net), lib.levels[i].arch, device, provider, level);
}

BuiltLevels build_library_levels(const common::LibraryFile& library, const std::filesystem::path& library_dir, Supernet supernet,
                                 const std::optional<EngineKind>& forced, const torch::Device& device, OrtProvider provider) {
  BuiltLevels built;
  built.weights_source = supernet.source();
  supernet.to(device);  // before slicing, so the levels' views share device memory
  // Optimized levels copy what they need, so the slicer's shared tensors and the supernet go
  // when this returns; eager levels keep views into them.
  WeightSlicer slicer(WeightSlicer::Mode::Share);
  EngineCache shared;
  for (std::size_t i = 0; i < library.levels.size(); ++i) {
    Subnet net = level_subnet(library, i, library_dir, supernet, slicer);
    if (library.levels[i].precision.precision == common::kInt8) {
      built.engines.push_back(int8_level_engine(library, i, library_dir, net, forced, device, provider));
      continue;
    }
    std::string note;
    const EngineKind kind = forced ? *forced : serving_engine(library, i, device, provider, &note);
    if (!note.empty()) built.notes.push_back(note);
    try {
      built.engines.emplace_back(net, kind, &shared, provider);
    } catch (const std::exception& e) {
      throw Error("level " + std::to_string(i) + " (" + to_string(net.arch()) + "): the " + engine_name(kind) + " engine cannot build it: " + e.what());
    }
  }
  built.shared_bytes = shared.weight_bytes();
  return built;
}

}  // namespace ofa::runtime
