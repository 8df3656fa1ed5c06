#include "ofa/runtime/engine/engine_choice.hpp"

#include "ofa/common/error.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "ofa/runtime/engine/inference_optimization.hpp"

namespace ofa::runtime {

using common::Error;

namespace {

bool ort_provider_on(OrtProvider provider, const torch::Device& device) { return (provider == OrtProvider::Cpu) == device.is_cpu(); }

}  // namespace

std::vector<EngineKind> auto_candidates(const torch::Device& device, OrtProvider provider) {
  std::vector<EngineKind> engines{EngineKind::Optimized};
  if (onnxruntime_available() && ort_provider_on(provider, device)) engines.push_back(EngineKind::OnnxRuntime);
  if (llga_available() && device.is_cpu()) engines.push_back(EngineKind::Llga);
  return engines;
}

std::vector<EngineKind> auto_engines(const torch::Device& device, OrtProvider provider, std::vector<std::string>* left_out) {
  std::vector<EngineKind> engines;
  for (EngineKind k : auto_candidates(device, provider)) {
    const EngineVerdict v = EngineVerdicts::registry().verdict(k, device, provider);
    if (v.right) engines.push_back(k);
    else if (left_out) left_out->push_back(v.reason);
  }
  return engines;
}

void check_engine_device(EngineKind kind, const torch::Device& device, OrtProvider provider) {
  if (kind == EngineKind::OnnxRuntime && !ort_provider_on(provider, device))
    throw Error(std::string("--engine onnxruntime with --ort-provider ") + ort_provider_name(provider) + " does not run on --device " + device.str() +
                (device.is_cpu() ? " (cuda and tensorrt run on a GPU: give --device cuda)" : " (give --ort-provider cuda or tensorrt)"));
  if (kind == EngineKind::Llga && !device.is_cpu())
    throw Error("--engine llga runs on the CPU (oneDNN Graph), not on --device " + device.str());
}

void check_ort_provider_device(OrtProvider provider, const torch::Device& device) {
  if (provider != OrtProvider::Cpu && device.is_cpu())
    throw Error(std::string("--ort-provider ") + ort_provider_name(provider) + " runs ONNX Runtime on a GPU, and --device is " + device.str() +
                " (give --device cuda)");
}

std::string EngineChoice::recorded_name() const {
  const std::vector<EngineKind> e = engines();
  return e.size() > 1 ? "auto" : engine_name(e.front());
}

EngineChoice parse_engine_choice(const std::string& text, const torch::Device& device, OrtProvider provider) {
  if (text == "auto") {
    EngineChoice c{true, EngineKind::Optimized, {}, {}};
    c.contenders = auto_engines(device, provider, &c.left_out);
    if (c.contenders.empty()) throw Error("--engine auto: no engine of this build is right on this machine: " + c.left_out.front());
    c.kind = c.contenders.front();
    return c;
  }
  const EngineKind kind = parse_engine(text);
  check_engine_device(kind, device, provider);
  EngineVerdicts::registry().require(kind, device, provider);
  return {false, kind, {}, {}};
}

}  // namespace ofa::runtime
