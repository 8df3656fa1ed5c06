// Engine: one network (or layer) built once, eager or optimized, the way every command and the runtime run it.
#pragma once
#include <map>
#include <optional>
#include <vector>
#include <string>

#include <torch/script.h>
#include <torch/torch.h>

#include "ofa/runtime/engine/onnxruntime_session.hpp"
#include "ofa/runtime/engine/subnet.hpp"

namespace ofa::runtime {

// How a network runs.
//  - Eager: Subnet::forward, op by op, BatchNorm as its own op (PyTorch-eager speed; the
//    reference the optimized engine is tested against).
//  - Optimized: the subnet as TorchScript with BatchNorm folded (script_subnet), frozen and
//    passed through LibTorch's inference optimisations (runtime::optimize_for_inference: on
//    CPU, oneDNN convolutions with weights reordered once and ReLU fused into them).
//  - OnnxRuntime: the subnet exported to ONNX in memory (onnx_subnet_bytes, BN folded, any
//    batch) and run by an ONNX Runtime session (onnxruntime_session.hpp) with as many intra-op
//    threads as LibTorch has (--threads). Only where the build found ONNX Runtime.
//  - Llga: the folded subnet as TorchScript, frozen, fused by LibTorch 2's oneDNN Graph pass
//    (freeze_for_llga) on its first calls. Only on LibTorch 2 with oneDNN.
enum class EngineKind { Eager, Optimized, OnnxRuntime, Llga };

// "eager" | "optimized" | "onnxruntime" | "llga"; anything else is Error naming the flag, and an
// engine this build lacks is Error saying what is missing.
EngineKind parse_engine(const std::string& text);
const char* engine_name(EngineKind kind);

// Bytes of a module's parameters: what a built level holds in memory (Engine's folded bytes,
// the cache's total).
std::int64_t parameter_bytes(const torch::jit::Module& module);

// Parts that optimized networks cut from one supernet have in common, built once and shared
// by every Engine built with the same cache: the head (feature mix and classifier, full width
// and without BN in every subnet), about 12.6 MiB a level for OFA's w1.2 supernet. Keyed by
// the source tensors' storage, so the supernet (or the subnets' shared slices) must outlive
// the building, not the engines.
class EngineCache {
 public:
  std::size_t heads() const { return heads_.size(); }
  // Bytes of the shared heads' weights (before oneDNN's reordering).
  std::int64_t weight_bytes() const { return bytes_; }

 private:
  friend class Engine;
  std::map<std::vector<const void*>, torch::jit::Module> heads_;
  // Heads of levels loaded from a bundle's files, keyed by their weights' content (and engine):
  // levels cut from one supernet have equal heads, so a bundle serves one copy as the library does.
  std::map<std::string, torch::jit::Module> loaded_heads_;
  std::int64_t bytes_ = 0;
};

// One network built once for an engine and a device, ready to run many times. Cheap to
// copy (copies share the built network). For whole networks forward() checks the input's
// shape; for a single layer (per-layer tables) it takes the layer's input.
class Engine {
 public:
  // Builds `net` (already on its device). The optimized engine keeps no reference to the
  // subnet's tensors: its weights are its own (folded and reordered).
  // An optimized whole network is always two modules, the body and the head (feature mix and
  // classifier), however it is built, so every command times the layout the runtime serves;
  // with a cache, the head is the cache's copy, shared by every level built with it.
  // The ONNX Runtime engine runs on `provider`; its inputs and results stay on the subnet's
  // device as far as the caller sees (moved through the CPU when the provider is the CPU).
  Engine(const Subnet& net, EngineKind kind, EngineCache* cache = nullptr, OrtProvider provider = OrtProvider::Cpu);

  // A bundle's level from its TorchScript file (level_module.hpp), built as the constructor
  // above builds one from the supernet: body and head prepared for `kind` (optimized or llga;
  // eager runs the saved module as it is), the head shared through `cache` with every level
  // whose head holds the same weights. `level` must already be on `device`.
  static Engine from_level_module(const torch::jit::Module& level, const common::ArchConfig& arch, EngineKind kind,
                                  const torch::Device& device, EngineCache* cache = nullptr);
  // A bundle's ONNX level (a serialised ModelProto) on ONNX Runtime, as the OnnxRuntime engine
  // runs the model it exports in memory. Error when its input is not [N, 3, r, r] for `arch`.
  static Engine from_onnx(const std::string& model, const common::ArchConfig& arch, const torch::Device& device, OrtProvider provider,
                          const std::string& where);

  // Logits [N, classes] for a batch [N, 3, r, r] (a whole network), without autograd.
  torch::Tensor forward(const torch::Tensor& input) const;

  EngineKind kind() const { return kind_; }
  // Modules a forward runs: 2 for an optimized whole network (body, head), 1 for a single
  // layer or an ONNX Runtime session, 0 for the eager engine.
  std::size_t modules() const;
  const common::ArchConfig& arch() const { return arch_; }
  const torch::Device& device() const { return device_; }
  // Bytes of the weights this engine holds: the eager subnet's tensors (shared storage
  // counted in full), the optimized engine's folded weights (before oneDNN's reordering;
  // a shared head not counted), or the ONNX model's size (ONNX Runtime shares no head).
  std::int64_t weight_bytes() const;
  // The eager subnet (Eager engine built from a subnet only; Error otherwise).
  const Subnet& subnet() const;
  bool has_subnet() const { return eager_.has_value(); }

 private:
  // Forwards an llga whole network runs at build time (see warm_llga).
  static constexpr int kLlgaWarmupCalls = 30;
  void warm_llga() const;
  // What the factories fill in: a whole network of `arch` for `kind` on `device`, nothing built.
  Engine(EngineKind kind, const common::ArchConfig& arch, const torch::Device& device);
  torch::jit::Module prepare(const torch::jit::Module& scripted) const;

  EngineKind kind_;
  common::ArchConfig arch_;
  bool whole_network_ = false;
  torch::Device device_ = torch::kCPU;
  std::optional<Subnet> eager_;
  std::int64_t folded_bytes_ = 0;
  mutable torch::jit::Module module_{"ofa_engine"};
  mutable std::optional<torch::jit::Module> head_;  // shared through an EngineCache
  std::optional<OrtSession> ort_;
};

}  // namespace ofa::runtime
