#include "runtime/commands/infer_command.hpp"

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"

#include "ofa/runtime/measure/device_options.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/tensor_io.hpp"

namespace ofa::runtime {

using namespace ofa::common;

std::string run_infer(const InferOptions& o) {
  const SearchSpace space = search_space(o.space);
  const auto archs = read_archs(o.arch, space);
  if (archs.size() != 1)
    throw Error(o.arch.string() + ": holds " + std::to_string(archs.size()) + " architectures; infer takes a file with one");
  const torch::Device device = parse_device(o.device.device);
  apply_tf32(o.device.allow_tf32);
  apply_threads(o.device.threads);
  const EngineKind engine_kind = parse_engine(o.device.engine);
  const OrtProvider provider = parse_ort_provider(o.device.ort_provider);
  check_ort_provider_device(provider, device);
  check_engine_device(engine_kind, device, provider);
  if (engine_kind == EngineKind::OnnxRuntime) check_ort_provider(provider);
  const torch::Tensor input = load_tensor(o.input);
  if (input.scalar_type() != torch::kFloat32) throw Error(o.input.string() + ": the input must be float32, is " + std::string(c10::toString(input.scalar_type())));
  if (!torch::isfinite(input).all().item<bool>()) throw Error(o.input.string() + ": the input holds NaN or infinite values");
  Subnet net = [&] {
    if (!o.weights) {
      if (o.bn) throw Error("--bn needs --weights (BN overrides apply to supernet weights)");
      return Subnet::random(space, archs[0].arch, o.seed);
    }
    Supernet s = Supernet::load(*o.weights, space);
    if (!o.bn) return Subnet::from_supernet(space, archs[0].arch, s);
    const StateDict stats = load_state_dict(*o.bn);
    Subnet net = Subnet::from_supernet(space, archs[0].arch, s.with_bn_overrides(stats, o.bn->string()));
    check_bn_file(stats, net, o.bn->string());
    return net;
  }();
  net.to(device);
  torch::Tensor logits;
  try {
    check_input_shape(net.arch(), input);
    logits = Engine(net, engine_kind, nullptr, provider).forward(input);
  } catch (const Error& e) {
    throw Error(o.input.string() + ": " + e.what());
  }
  save_tensor(o.out, logits);
  return "infer: " + archs[0].name + ", weights: " + net.weights_source() + ", engine: " + engine_name(engine_kind) + ", input " + c10::str(input.sizes()) +
         " -> logits " + c10::str(logits.sizes()) + " written to " + o.out.string();
}

}  // namespace ofa::runtime
