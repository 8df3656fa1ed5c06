#include "ofa/runtime/engine/engine.hpp"

#include <torch/version.h>

#include "ofa/common/error.hpp"
#include "ofa/common/arch_config.hpp"
#include "ofa/common/engine_names.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "ofa/runtime/engine/inference_optimization.hpp"
#include "ofa/runtime/engine/level_module.hpp"
#include "ofa/runtime/engine/onnx_subnet.hpp"
#include "ofa/runtime/engine/scripted_subnet.hpp"

namespace ofa::runtime {

using namespace ofa::common;

EngineKind parse_engine(const std::string& text) {
  if (text == "eager") return EngineKind::Eager;
  if (text == "optimized") return EngineKind::Optimized;
  if (text == "onnxruntime") {
    if (!onnxruntime_available()) throw Error("--engine onnxruntime: " + onnxruntime_missing());
    return EngineKind::OnnxRuntime;
  }
  if (text == "llga") {
    if (!llga_available()) throw Error("--engine llga: LibTorch " TORCH_VERSION " has no oneDNN Graph fusion (LibTorch 2 with oneDNN, Debian 13's, has)");
    return EngineKind::Llga;
  }
  throw Error("--engine '" + text + "' is not " + engine_name_list());
}

const char* engine_name(EngineKind kind) {
  switch (kind) {
    case EngineKind::Eager: return "eager";
    case EngineKind::Optimized: return "optimized";
    case EngineKind::OnnxRuntime: return "onnxruntime";
    case EngineKind::Llga: return "llga";
  }
  return "optimized";
}

std::int64_t parameter_bytes(const torch::jit::Module& m) {
  std::int64_t bytes = 0;
  for (const auto& p : m.named_parameters()) bytes += p.value.numel() * static_cast<std::int64_t>(p.value.element_size());
  return bytes;
}

Engine::Engine(const Subnet& net, EngineKind kind, EngineCache* cache, OrtProvider provider)
    : kind_(kind),
      arch_(net.arch()),
      whole_network_(!net.layers().empty() && net.layers().front().kind == LayerKind::FirstConv && net.layers().size() > 1),
      device_(net.device()) {
  // No engine serves or is timed on a machine before it has been checked there (docs/engines.md).
  EngineVerdicts::registry().require(kind_, device_, provider);
  if (kind_ == EngineKind::Eager) {
    eager_ = net;
    return;
  }
  if (kind_ == EngineKind::OnnxRuntime) {
    if (!onnxruntime_available()) throw Error("the ONNX Runtime engine: " + onnxruntime_missing());
    check_engine_device(kind_, device_, provider);
    // Any batch: the commands time and evaluate at --batch, the runtime at 1.
    const std::string model = onnx_subnet_bytes(net, 0);
    folded_bytes_ = static_cast<std::int64_t>(model.size());
    ort_.emplace(model, torch::get_num_threads(), provider, "the ONNX Runtime engine", device_.is_cuda() && device_.has_index() ? device_.index() : 0);
    return;
  }
  if (kind_ == EngineKind::Llga) check_engine_device(kind_, device_, provider);
  // A whole network is always built as a body and a head module, with or without a cache:
  // what `ofa-measure` times must be the module layout the runtime serves (the cache only
  // decides whether levels share one head).
  const std::size_t head = whole_network_ ? head_layer(net) : 0;
  if (head == 0) {
    const torch::jit::Module scripted = script_subnet(net);
    folded_bytes_ = parameter_bytes(scripted);
    module_ = prepare(scripted);
    warm_llga();
    return;
  }
  const torch::jit::Module body = script_layers(net, 0, head);
  folded_bytes_ = parameter_bytes(body);
  module_ = prepare(body);
  if (!cache) {  // a head of its own, counted with the engine's weights
    const torch::jit::Module scripted = script_layers(net, head, net.layers().size());
    folded_bytes_ += parameter_bytes(scripted);
    head_ = prepare(scripted);
    warm_llga();
    return;
  }
  const LayerWeights& mix = net.weights()[head];
  const LayerWeights& cls = net.weights()[head + 1];
  // Keyed by engine too: an optimized and an llga level of one library each need their own.
  const std::vector<const void*> key{mix.conv.data_ptr(), cls.linear.data_ptr(), cls.linear_bias.data_ptr(),
                                     reinterpret_cast<const void*>(static_cast<std::uintptr_t>(kind_))};
  auto [it, fresh] = cache->heads_.try_emplace(key, "ofa_head");
  if (fresh) {
    const torch::jit::Module scripted = script_layers(net, head, net.layers().size());
    cache->bytes_ += parameter_bytes(scripted);
    it->second = prepare(scripted);
  }
  head_ = it->second;
  warm_llga();
}

Engine::Engine(EngineKind kind, const common::ArchConfig& arch, const torch::Device& device)
    : kind_(kind), arch_(arch), whole_network_(true), device_(device) {}

// The TorchScript engines differ only in how a scripted module is prepared (and run).
torch::jit::Module Engine::prepare(const torch::jit::Module& scripted) const {
  return kind_ == EngineKind::Llga ? freeze_for_llga(scripted, device_) : optimize_for_inference(scripted, device_);
}

void Engine::warm_llga() const {
  if (kind_ != EngineKind::Llga || !whole_network_) return;
  // LLGA fuses on the profiling executor's first calls and keeps settling for some more: on the
  // Debian 13 lane, levels timed after 10 warm-up calls came out up to 9 % slower than after 40,
  // enough to make auto pick the wrong engine. So a level leaves the build already warm.
  const torch::Tensor x = torch::zeros({1, 3, arch_.r, arch_.r}, torch::TensorOptions().device(device_));
  for (int k = 0; k < kLlgaWarmupCalls; ++k) forward(x);
}

torch::Tensor Engine::forward(const torch::Tensor& input) const {
  if (eager_) return whole_network_ ? eager_->forward(input) : eager_->forward_layer(0, input);
  torch::NoGradGuard no_grad;
  if (whole_network_) check_input_shape(arch_, input);
  if (ort_) {
    const torch::Tensor out = ort_->run(input);
    return input.device() == out.device() ? out : out.to(input.device());
  }
  auto run = [&](torch::jit::Module& m, const torch::Tensor& x) { return kind_ == EngineKind::Llga ? run_llga_module(m, x) : run_module(m, x); };
  const torch::Tensor body = run(module_, input.to(device_, torch::kFloat32));
  return head_ ? run(*head_, body) : body;
}

std::size_t Engine::modules() const { return eager_ ? 0 : head_ ? 2 : 1; }  // an ONNX Runtime session is 1

std::int64_t Engine::weight_bytes() const { return eager_ ? eager_->weight_bytes() : folded_bytes_; }

const Subnet& Engine::subnet() const {
  if (!eager_) throw Error(std::string("the ") + engine_name(kind_) + " engine keeps no eager subnet");
  return *eager_;
}

}  // namespace ofa::runtime
