#include "ofa/runtime/engine.hpp"

#include "ofa/common/error.hpp"
#include "ofa/runtime/inference_optimization.hpp"
#include "ofa/runtime/scripted_subnet.hpp"

namespace ofa::runtime {

using namespace ofa::common;

EngineKind parse_engine(const std::string& text) {
  if (text == "eager") return EngineKind::Eager;
  if (text == "optimized") return EngineKind::Optimized;
  throw Error("--engine '" + text + "' is not eager or optimized");
}

const char* engine_name(EngineKind kind) { return kind == EngineKind::Eager ? "eager" : "optimized"; }

Engine::Engine(const Subnet& net, EngineKind kind)
    : kind_(kind),
      arch_(net.arch()),
      whole_network_(!net.layers().empty() && net.layers().front().kind == LayerKind::FirstConv && net.layers().size() > 1),
      device_(net.device()) {
  if (kind_ == EngineKind::Eager) {
    eager_ = net;
    return;
  }
  torch::jit::Module scripted = script_subnet(net);
  for (const auto& p : scripted.named_parameters())
    folded_bytes_ += p.value.numel() * static_cast<std::int64_t>(p.value.element_size());
  module_ = optimize_for_inference(scripted, device_);
}

torch::Tensor Engine::forward(const torch::Tensor& input) const {
  if (eager_) return whole_network_ ? eager_->forward(input) : eager_->forward_layer(0, input);
  torch::NoGradGuard no_grad;
  if (whole_network_) check_input_shape(arch_, input);
  return run_module(module_, input.to(device_, torch::kFloat32));
}

std::int64_t Engine::weight_bytes() const { return eager_ ? eager_->weight_bytes() : folded_bytes_; }

const Subnet& Engine::subnet() const {
  if (!eager_) throw Error("the optimized engine keeps no eager subnet");
  return *eager_;
}

}  // namespace ofa::runtime
