#include "ofa/runtime/engine/batchnorm_folding.hpp"

#include "ofa/common/error.hpp"

namespace ofa::runtime {

FoldedConv fold_batchnorm(const torch::Tensor& weight, const BatchNorm& bn, double eps) {
  torch::NoGradGuard no_grad;
  const int64_t out = weight.size(0);
  for (const torch::Tensor* t : {&bn.weight, &bn.bias, &bn.mean, &bn.var})
    if (t->dim() != 1 || t->size(0) != out)
      throw common::Error("BatchNorm of " + std::to_string(out) + " channels has a tensor of shape " + c10::str(t->sizes()));
  const torch::Tensor var = bn.var.to(torch::kFloat64);
  if (!torch::isfinite(var).all().item<bool>() || (var < 0).any().item<bool>())
    throw common::Error("BatchNorm running_var holds a negative or non-finite value");
  const torch::Tensor scale = bn.weight.to(torch::kFloat64) / torch::sqrt(var + eps);
  std::vector<int64_t> shape(static_cast<std::size_t>(weight.dim()), 1);
  shape[0] = out;
  const auto type = weight.scalar_type();
  return {(weight.to(torch::kFloat64) * scale.view(shape)).to(type).contiguous(),
          (bn.bias.to(torch::kFloat64) - bn.mean.to(torch::kFloat64) * scale).to(type).contiguous()};
}

}  // namespace ofa::runtime
