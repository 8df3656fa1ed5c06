// Top-1 and top-5 hits counted over batches of logits.
#pragma once
#include <cstdint>

#include <torch/torch.h>

namespace ofa::runtime {

// Top-1 and top-5 hits over batches of logits: a label counts for top-k when it is among the
// k largest logits (torch::topk, as OFA's accuracy() helper).
struct TopKCounts {
  std::int64_t top1 = 0, top5 = 0, images = 0;

  void add(const torch::Tensor& logits, const torch::Tensor& labels) {
    const std::int64_t k = std::min<std::int64_t>(5, logits.size(1));
    const torch::Tensor best = std::get<1>(logits.topk(k, 1, true, true)).to(torch::kCPU);
    const torch::Tensor hit = best.eq(labels.to(torch::kCPU).view({-1, 1}));
    top1 += hit.select(1, 0).sum().item<std::int64_t>();
    top5 += hit.any(1).sum().item<std::int64_t>();
    images += labels.size(0);
  }
  double top1_fraction() const { return images ? static_cast<double>(top1) / static_cast<double>(images) : 0.0; }
  double top5_fraction() const { return images ? static_cast<double>(top5) / static_cast<double>(images) : 0.0; }
};

}  // namespace ofa::runtime
