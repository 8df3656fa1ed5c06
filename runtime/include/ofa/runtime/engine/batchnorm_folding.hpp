// BatchNorm folded into the convolution before it, in float64.
#pragma once
#include <torch/torch.h>

#include "ofa/runtime/engine/subnet.hpp"

namespace ofa::runtime {

// A convolution whose eval-mode BatchNorm has been folded into it.
struct FoldedConv {
  torch::Tensor weight;  // [out, in/groups, k, k]
  torch::Tensor bias;    // [out]
};

// conv(x, w) followed by eval-mode BN equals conv(x, w') + b' with, per output channel,
// s = gamma / sqrt(var + eps), w' = w * s, b' = beta - mean * s. Computed in float64 and
// rounded once, so folding adds no more than float32 rounding to the result. A BN whose
// variance is negative or not finite is an error (it would give NaN logits).
FoldedConv fold_batchnorm(const torch::Tensor& weight, const BatchNorm& bn, double eps = 1e-5);

}  // namespace ofa::runtime
