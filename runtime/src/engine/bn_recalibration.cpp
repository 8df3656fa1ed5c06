#include "ofa/runtime/engine/bn_recalibration.hpp"

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/images/calibration_images.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/images/image_folder.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/runtime/engine/tensor_io.hpp"

namespace ofa::runtime {

using common::Error;

void BnStatistics::add(const std::string& key, const torch::Tensor& mean, const torch::Tensor& var, std::int64_t batch) {
  Sums& s = sums_[key];
  const torch::Tensor m = mean.detach().to(torch::kCPU, torch::kFloat64) * static_cast<double>(batch);
  const torch::Tensor v = var.detach().to(torch::kCPU, torch::kFloat64) * static_cast<double>(batch);
  if (s.count == 0) {
    s.mean = m;
    s.var = v;
  } else {
    if (s.mean.sizes() != m.sizes()) throw Error("BatchNorm '" + key + "' changed width between batches");
    s.mean += m;
    s.var += v;
  }
  s.count += batch;
}

StateDict BnStatistics::state_dict() const {
  StateDict out;
  for (const auto& [key, s] : sums_) {
    out.emplace(key + ".running_mean", (s.mean / static_cast<double>(s.count)).to(torch::kFloat32));
    out.emplace(key + ".running_var", (s.var / static_cast<double>(s.count)).to(torch::kFloat32));
  }
  return out;
}

StateDict recalibrate_bn(const Subnet& subnet, std::span<const torch::Tensor> batches) {
  if (batches.empty()) throw Error("BN recalibration needs at least one batch of images");
  BnStatistics stats;
  for (const torch::Tensor& b : batches) subnet.forward_collecting_bn(b, stats);
  return stats.state_dict();
}

}  // namespace ofa::runtime
