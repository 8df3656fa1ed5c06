// A network as an ONNX Runtime session: the ONNX Runtime engine's half that knows ONNX Runtime.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace ofa::runtime {

// Where ONNX Runtime runs a session (--ort-provider). cuda and tensorrt need NVIDIA's ONNX
// Runtime (docs/onnxruntime.md); Debian's is CPU only, and the session then fails to build
// with ONNX Runtime's own one-line reason. tensorrt runs in fp16.
enum class OrtProvider { Cpu, Cuda, TensorRt };

// "cpu" | "cuda" | "tensorrt"; anything else is Error naming the flag.
OrtProvider parse_ort_provider(const std::string& text);
const char* ort_provider_name(OrtProvider provider);

// Whether this build has ONNX Runtime (configure-time), and its version ("" without it).
bool onnxruntime_available();
std::string onnxruntime_version();
// Error naming --ort-provider when this ONNX Runtime has no such execution provider (Debian's
// has the CPU's only); nothing without ONNX Runtime (the engine is refused elsewhere).
void check_ort_provider(OrtProvider provider);

// Why the ONNX Runtime engine is refused in a build without it ("this build has no ONNX Runtime (...)").
std::string onnxruntime_missing();

// One ONNX model built once into a session: graph optimisation "all", memory pattern on,
// `threads` intra-op threads (0: ONNX Runtime's default), sequential execution, workers that
// sleep rather than spin between runs (unless `spin`). Cheap to
// copy (copies share the session); run() may be called from several threads.
class OrtSession {
 public:
  // `model` is a serialised ModelProto (onnx_subnet_bytes); `where` prefixes errors. A CUDA or
  // TensorRT provider runs on GPU `gpu`. The process's first session initialises ONNX Runtime
  // with std::cerr silenced for that moment (Debian's build reports harmless duplicate ONNX
  // schemas there): build it before other threads write to std::cerr.
  // `spin`: let the intra-op workers spin between runs (ONNX Runtime's default; off for the
  // engine, see the .cpp; bench-engine's "ONNX Runtime alone" column turns it on).
  OrtSession(const std::string& model, int threads, OrtProvider provider, const std::string& where, int gpu = 0, bool spin = false);

  // The model's one output for `input` (float32, CPU, contiguous after conversion): the input
  // is handed to ONNX Runtime without a copy, and the result is ONNX Runtime's own buffer,
  // kept alive by the returned tensor.
  torch::Tensor run(const torch::Tensor& input) const;

  // The declared input shape, a symbolic dimension as -1.
  std::vector<std::int64_t> input_shape() const;
  // The declared output shape ([] when the model does not declare one).
  std::vector<std::int64_t> output_shape() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace ofa::runtime
