// BN statistics as OFA's set_running_statistics computes them, and the BN file they make.
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>

#include <torch/torch.h>

#include "ofa/runtime/engine/state_dict.hpp"

namespace ofa::runtime {

class Subnet;

// Per BatchNorm (by its supernet name), the batch means and biased batch variances seen by
// Subnet::forward_collecting_bn, each averaged over batches weighted by batch size: OFA's
// set_running_statistics (its AverageMeter). Sums are kept in float64.
class BnStatistics {
 public:
  void add(const std::string& key, const torch::Tensor& mean, const torch::Tensor& var, std::int64_t batch);
  // A BN file: {<key>.running_mean, <key>.running_var} for every BatchNorm seen, float32,
  // as long as its active channels (what `--bn` and libraries read, OFA's first-C entries).
  StateDict state_dict() const;
  std::size_t size() const { return sums_.size(); }

 private:
  struct Sums {
    torch::Tensor mean, var;
    std::int64_t count = 0;
  };
  std::map<std::string, Sums> sums_;
};

// Recalibrates the subnet's BatchNorm statistics over `batches` (each [n, 3, r, r]) and
// returns them as a BN file's state_dict.
StateDict recalibrate_bn(const Subnet& subnet, std::span<const torch::Tensor> batches);


}  // namespace ofa::runtime
