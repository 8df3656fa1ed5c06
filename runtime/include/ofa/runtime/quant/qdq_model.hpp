// A float32 subnet model rewritten as a QDQ int8 model: int8 per-channel weights, uint8 activations, ONNX's own classes.
#pragma once
#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "ofa/common/int8_calibration_file.hpp"

namespace ofa::runtime {

// Activation value -> [lo, hi] the quantized value must cover, by the model's value names.
using common::ValueRanges;

// uint8, asymmetric (ONNX Runtime's u8s8 kernels, the fast path on x86 and arm64): the range
// widened to hold 0 (so zero padding is exact), scale (hi - lo) / 255, zero point round(-lo /
// scale); an empty range (lo == hi == 0) gets scale 1, zero point 0.
struct ActivationQuant {
  float scale = 1;
  std::uint8_t zero_point = 0;
};
ActivationQuant activation_quant(double lo, double hi);

// Symmetric int8 per output channel (dimension 0), in [-127, 127]: scale max|w| / 127 (1 for a
// channel of zeros), values round-half-to-even(w / scale), as ONNX's QuantizeLinear rounds.
struct WeightQuant {
  torch::Tensor values;  // int8, w's shape
  torch::Tensor scales;  // float32 [C]
};
// `min_scales` (per channel, optional) raises a channel's scale: where a bias would not fit
// int32 at input scale x weight scale (a BN-folded channel whose gamma is near 0 has tiny
// weights and an ordinary bias), the weight scale is widened instead of the bias clipped, as
// ONNX Runtime's quantizer does.
WeightQuant weight_quant(const torch::Tensor& weight, const torch::Tensor& min_scales = {});

// A bias for int32 accumulation: scale input_scale * weight_scales[c], zero point 0.
torch::Tensor bias_quant(const torch::Tensor& bias, float input_scale, const torch::Tensor& weight_scales);

struct QdqOptions {
  // The first convolution and the classifier stay float32 (their inputs too): the image and
  // the logits are where a network is most sensitive to rounding.
  bool fp32_ends = false;
};

// `fp32_model` (onnx_subnet_bytes) as QDQ (what ONNX Runtime runs with int8 kernels and
// TensorRT reads as explicit precision): every Conv and Gemm weight a per-channel int8
// initializer through DequantizeLinear (axis 0), every bias int32 through DequantizeLinear,
// every activation value (the input, each node's output, and the logits when a quantized
// Gemm or Conv writes them) through a QuantizeLinear/DequantizeLinear pair with its range from
// `ranges`; a Relu after a quantized Conv is dropped (its output's uint8 range, from 0, clips
// as it did), as ONNX Runtime's quantizer does. Passes ONNX's checker.
// Error naming the value when `ranges` lacks one the graph needs, or a range is not finite.
std::string qdq_model_bytes(const std::string& fp32_model, const ValueRanges& ranges, const QdqOptions& options = {});

}  // namespace ofa::runtime
