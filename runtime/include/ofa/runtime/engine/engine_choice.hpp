// --engine as given: one engine, or auto (each network on the fastest engine of this build, by measurement).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"

namespace ofa::runtime {

// What --engine asked for. `automatic`: every contender is timed on the device and the fastest
// kept, per network; otherwise `kind` alone.
struct EngineChoice {
  bool automatic = false;
  EngineKind kind = EngineKind::Optimized;
  std::vector<EngineKind> contenders;  // auto's, for the device and provider it was parsed for
  std::vector<std::string> left_out;   // auto's candidates refused on this machine, each with its reason

  // The engines to time: the one engine, or the contenders.
  std::vector<EngineKind> engines() const { return automatic ? contenders : std::vector<EngineKind>{kind}; }
  // The name a file records for the whole run: "auto" when it chose per network, else the engine
  // (auto with one contender is that engine, recorded by name).
  std::string recorded_name() const;
};

// The engines auto may choose among for networks on `device`, ONNX Runtime on `provider`:
// optimized; onnxruntime where built and where its provider runs on that device (the cpu
// provider for a CPU device, cuda or tensorrt for a CUDA one); llga on LibTorch 2 for a CPU
// device. The eager engine is the reference, never a contender (1.1x to 10x slower than
// optimized at batch 1 on every level measured, docs/performance.md).
std::vector<EngineKind> auto_candidates(const torch::Device& device = torch::kCPU, OrtProvider provider = OrtProvider::Cpu);
// Those of auto_candidates that passed their check on this machine (engine_verdicts.hpp); the
// reasons of the others go to `left_out`.
std::vector<EngineKind> auto_engines(const torch::Device& device = torch::kCPU, OrtProvider provider = OrtProvider::Cpu,
                                     std::vector<std::string>* left_out = nullptr);

// Error (one line naming the flags) when `kind` cannot run networks on `device` with `provider`:
// onnxruntime whose provider is not on that device, llga off the CPU.
void check_engine_device(EngineKind kind, const torch::Device& device, OrtProvider provider);

// Error unless `provider` runs on `device`'s kind: cpu with a CPU device is the only pairing
// refused here for --ort-provider cuda|tensorrt (a GPU device with the cpu provider just leaves
// ONNX Runtime out of auto).
void check_ort_provider_device(OrtProvider provider, const torch::Device& device);

// "auto" or an engine name (parse_engine's rules and errors), for networks on `device`; an
// engine that cannot run there is refused (check_engine_device), and so is one that failed its
// check on this machine (auto leaves those out, in `left_out`; Error if none is left).
EngineChoice parse_engine_choice(const std::string& text, const torch::Device& device = torch::kCPU, OrtProvider provider = OrtProvider::Cpu);

}  // namespace ofa::runtime
