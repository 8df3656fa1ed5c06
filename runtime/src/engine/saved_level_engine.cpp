// Engines built from a bundle's saved level files rather than from the supernet (Engine::from_*).
#include <functional>
#include <string_view>

#include "ofa/common/error.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "ofa/runtime/engine/level_module.hpp"

namespace ofa::runtime {

using common::Error;

namespace {

// The head's weights, shapes and values in order, as a key: equal heads (one supernet's) share
// one copy. Not their names: those number the layers, and levels of other depths number them otherwise.
std::string content_key(const torch::jit::Module& head, EngineKind kind) {
  std::string key = engine_name(kind);
  for (const auto& p : head.named_parameters()) {
    const torch::Tensor t = p.value.contiguous().cpu();
    const std::string_view bytes(static_cast<const char*>(t.data_ptr()), static_cast<std::size_t>(t.nbytes()));
    key += "|" + c10::str(t.sizes()) + std::to_string(std::hash<std::string_view>{}(bytes));
  }
  return key;
}

}  // namespace

Engine Engine::from_level_module(const torch::jit::Module& level, const common::ArchConfig& arch, EngineKind kind,
                                 const torch::Device& device, EngineCache* cache) {
  if (kind == EngineKind::OnnxRuntime) throw Error("a TorchScript level cannot run on the ONNX Runtime engine");
  EngineVerdicts::registry().require(kind, device, OrtProvider::Cpu);
  if (kind == EngineKind::Llga) check_engine_device(kind, device, OrtProvider::Cpu);
  const std::string arch_text = common::to_string(arch);
  const LevelModuleParts parts = level_module_parts(level, "the level file");
  if (parts.arch != arch_text) throw Error("the level file holds " + parts.arch + ", not " + arch_text);
  Engine e(kind, arch, device);
  e.folded_bytes_ = parameter_bytes(parts.body);
  if (kind == EngineKind::Eager) {  // the saved modules as they are: no freezing, no fusion
    e.module_ = parts.body;
    e.head_ = parts.head;
    e.folded_bytes_ += parameter_bytes(parts.head);
    return e;
  }
  e.module_ = e.prepare(parts.body);
  if (!cache) {
    e.folded_bytes_ += parameter_bytes(parts.head);
    e.head_ = e.prepare(parts.head);
  } else {
    auto [it, fresh] = cache->loaded_heads_.try_emplace(content_key(parts.head, kind), "ofa_head");
    if (fresh) {
      cache->bytes_ += parameter_bytes(parts.head);
      it->second = e.prepare(parts.head);
    }
    e.head_ = it->second;
  }
  e.warm_llga();
  return e;
}

Engine Engine::from_onnx(const std::string& model, const common::ArchConfig& arch, const torch::Device& device, OrtProvider provider,
                         const std::string& where) {
  if (!onnxruntime_available()) throw Error(where + ": an ONNX level needs the ONNX Runtime engine: " + onnxruntime_missing());
  EngineVerdicts::registry().require(EngineKind::OnnxRuntime, device, provider);
  check_engine_device(EngineKind::OnnxRuntime, device, provider);
  Engine e(EngineKind::OnnxRuntime, arch, device);
  e.folded_bytes_ = static_cast<std::int64_t>(model.size());
  e.ort_.emplace(model, torch::get_num_threads(), provider, where, device.is_cuda() && device.has_index() ? device.index() : 0);
  const std::vector<std::int64_t> shape = e.ort_->input_shape();
  if (shape.size() == 4 && shape[0] != -1)
    throw Error(where + ": the model has a static batch of " + std::to_string(shape[0]) +
                " (exported with --batch); the runtime serves any batch: export it without --batch");
  if (shape.size() != 4 || shape[1] != 3 || shape[2] != arch.r || shape[3] != arch.r)
    throw Error(where + ": the model's input is " + c10::str(shape) + ", not [N, 3, " + std::to_string(arch.r) + ", " + std::to_string(arch.r) + "] for " +
                common::to_string(arch));
  return e;
}

}  // namespace ofa::runtime
