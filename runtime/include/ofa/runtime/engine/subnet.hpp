// Subnet: one architecture's weights cut from the supernet, built from the layer enumeration, eager forward.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <tuple>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/runtime/engine/supernet.hpp"

namespace ofa::runtime {

// Eval-mode BatchNorm parameters of one layer.
struct BatchNorm {
  torch::Tensor weight, bias, mean, var;
  std::string key;  // the supernet's name for it ("blocks.3.conv.depth_conv.bn.bn"); "" for random subnets
};

class BnStatistics;

// One layer's weights, in the shapes the extracted subnet uses. Which fields are set
// depends on the layer's kind (see common::LayerKind).
struct LayerWeights {
  torch::Tensor expand;           // 1x1 expansion conv (blocks)
  BatchNorm expand_bn;
  torch::Tensor depthwise;        // k x k depthwise conv (blocks, first block)
  BatchNorm depthwise_bn;
  torch::Tensor se_reduce, se_reduce_bias, se_expand, se_expand_bias;
  torch::Tensor conv;             // first conv, projection (blocks), final expand, feature mix
  BatchNorm conv_bn;              // not for the feature mix
  torch::Tensor linear, linear_bias;  // classifier
};

// Hands out the weight slices subnets take from a supernet. Copy gives each subnet storage of
// its own (a standalone model, as Dynamic-OFA saves one per level). Share returns views into
// the supernet wherever a slice is contiguous (leading output channels, BN, biases) and
// computes the rest (input-channel slices, transformed kernels) once for every subnet built
// through the same slicer, so a library's levels cost little more than the supernet.
class WeightSlicer {
 public:
  enum class Mode { Copy, Share };
  explicit WeightSlicer(Mode mode = Mode::Copy) : mode_(mode) {}

  // t[:d0] and t[:d0, :d1].
  torch::Tensor leading(const torch::Tensor& t, int64_t d0);
  torch::Tensor leading(const torch::Tensor& t, int64_t d0, int64_t d1);
  // The first `mid` channels of a depthwise kernel shrunk to k x k (see transform_kernel).
  torch::Tensor depthwise(const torch::Tensor& full, int64_t mid, int k, const torch::Tensor& m7to5, const torch::Tensor& m5to3);

 private:
  Mode mode_;
  // Computed tensors by (source storage, width or kernel, kind).
  std::map<std::tuple<const void*, int64_t, int>, torch::Tensor> memo_;
};

// An OFA MobileNetV3 subnet in eval mode, built from the one layer enumeration. Weights are
// sliced from a supernet as OFA's get_active_subnet does, or initialised at random (seeded).
class Subnet {
 public:
  static Subnet from_supernet(const common::SearchSpace& space, const common::ArchConfig& arch, const Supernet& supernet);
  static Subnet from_supernet(const common::SearchSpace& space, const common::ArchConfig& arch, const Supernet& supernet,
                              WeightSlicer& slicer);
  static Subnet random(const common::SearchSpace& space, const common::ArchConfig& arch, std::uint64_t seed = 0);

  // Logits [N, classes] for a batch [N, 3, r, r]. No autograd.
  torch::Tensor forward(const torch::Tensor& input) const;
  // Runs one layer (for per-layer timing): the input has the layer's input shape.
  torch::Tensor forward_layer(std::size_t index, const torch::Tensor& input) const;
  // A forward pass for BN recalibration (OFA's set_running_statistics): every BatchNorm
  // normalises by its batch's own mean and biased variance, which `stats` accumulates.
  torch::Tensor forward_collecting_bn(const torch::Tensor& input, BnStatistics& stats) const;

  // Moves every weight (to a CUDA device, for example).
  void to(const torch::Device& device);
  // A copy whose weights (and forward's arithmetic) are of `dtype`: float64 gives the engine
  // check (engine_check.hpp) a reference that no float32 kernel computes.
  Subnet with_dtype(torch::ScalarType dtype) const;
  const torch::Device& device() const { return device_; }

  const common::ArchConfig& arch() const { return arch_; }
  const std::vector<common::LayerSpec>& layers() const { return layers_; }
  const std::vector<LayerWeights>& weights() const { return weights_; }
  // "random" or the supernet file the weights came from.
  const std::string& weights_source() const { return source_; }
  // Bytes of the weights the subnet uses (for memory reports; shared storage counted in full per subnet).
  std::int64_t weight_bytes() const;
  // Calls fn on every weight tensor.
  void for_each_weight(const std::function<void(const torch::Tensor&)>& fn) const;

 private:
  common::ArchConfig arch_;
  std::vector<common::LayerSpec> layers_;
  std::vector<LayerWeights> weights_;
  std::string source_;
  torch::Device device_ = torch::kCPU;
  torch::ScalarType dtype_ = torch::kFloat32;

  torch::Tensor run_layer(std::size_t index, const torch::Tensor& input, BnStatistics* stats) const;

  friend Subnet single_layer(const common::LayerSpec& layer, std::uint64_t seed);
};

// Error unless `input` is [N, 3, r, r] for the architecture's resolution r.
void check_input_shape(const common::ArchConfig& arch, const torch::Tensor& input);

// A single layer, for building latency tables: random weights for `layer` alone.
Subnet single_layer(const common::LayerSpec& layer, std::uint64_t seed = 0);

// A BN file (supernet BN name -> running_mean / running_var) checked against the subnet it is
// applied to: every tensor must be a statistic of one of the subnet's BatchNorms and as long
// as its active channels, and every BatchNorm of the subnet must be there. Error naming
// `where`, the tensor and both sizes: a BN file of another architecture is refused, not applied.
void check_bn_file(const std::map<std::string, torch::Tensor>& bn, const Subnet& subnet, const std::string& where);

// The depthwise kernel of size k from a supernet's 7x7 kernel: centre crop, then OFA's
// 7to5 and 5to3 transforms (v' = v M^T on each channel's flattened kernel).
torch::Tensor transform_kernel(const torch::Tensor& full, int k, const torch::Tensor& m7to5, const torch::Tensor& m5to3);

}  // namespace ofa::runtime
