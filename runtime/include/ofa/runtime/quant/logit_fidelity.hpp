// How close a quantized network's logits stay to the float32 network's, image by image.
#pragma once
#include <torch/torch.h>

namespace ofa::runtime {

// Over a batch of logits [N, classes] against the float32 logits of the same images:
//  - cosine: the mean over images of the cosine of the two logit vectors;
//  - max_relative_error: the largest over images of max |q - ref| / max |ref|;
//  - top1_agree: images whose top-1 class is float32's.
struct LogitFidelity {
  double cosine = 0;
  double max_relative_error = 0;
  int top1_agree = 0;
  int images = 0;
};
LogitFidelity logit_fidelity(const torch::Tensor& logits, const torch::Tensor& reference);

}  // namespace ofa::runtime
