// An exported subnet's ONNX graph evaluated in LibTorch, every value it computes shown to an observer: what calibration sees.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include <torch/torch.h>

namespace ofa::runtime {

// Called with each value's name and contents as the graph computes it ("input" first).
using ValueObserver = std::function<void(const std::string& name, const torch::Tensor& value)>;

// Runs a float32 model written by onnx_subnet_bytes (its op set: Conv, Relu, HardSwish,
// HardSigmoid, GlobalAveragePool, Mul, Add, Flatten, Gemm) node by node in LibTorch on the CPU.
// Calibration observes the values of the very graph it then quantizes, by the names the
// quantizer rewrites, whatever ONNX Runtime would fuse; a model with another op is Error.
// Needs ONNX's protobuf classes (Error otherwise).
class OnnxEvaluator {
 public:
  explicit OnnxEvaluator(const std::string& model);
  ~OnnxEvaluator();
  OnnxEvaluator(OnnxEvaluator&&) noexcept;

  // The graph's output for `input`, each computed value passed to `observe` (may be empty).
  torch::Tensor run(const torch::Tensor& input, const ValueObserver& observe = {}) const;
  // The graph's output's name ("logits" for a whole network).
  const std::string& output_name() const;

 private:
  struct Graph;
  std::unique_ptr<Graph> graph_;
};

}  // namespace ofa::runtime
