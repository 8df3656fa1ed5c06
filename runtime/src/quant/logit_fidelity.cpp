#include "ofa/runtime/quant/logit_fidelity.hpp"

#include "ofa/common/error.hpp"

namespace ofa::runtime {

LogitFidelity logit_fidelity(const torch::Tensor& logits, const torch::Tensor& reference) {
  if (logits.sizes() != reference.sizes() || logits.dim() != 2)
    throw common::Error("logit fidelity: logits " + c10::str(logits.sizes()) + " against " + c10::str(reference.sizes()));
  const torch::Tensor q = logits.to(torch::kCPU, torch::kFloat64), r = reference.to(torch::kCPU, torch::kFloat64);
  LogitFidelity f;
  f.images = static_cast<int>(q.size(0));
  f.cosine = torch::cosine_similarity(q, r, 1).mean().item<double>();
  f.max_relative_error = ((q - r).abs().amax(1) / r.abs().amax(1).clamp_min(1e-30)).max().item<double>();
  f.top1_agree = (q.argmax(1) == r.argmax(1)).sum().item<int>();
  return f;
}

}  // namespace ofa::runtime
