#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>

#include <torch/torch.h>

#include "ofa/runtime/state_dict.hpp"

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

// `ofa-measure bn`: a BN file for one architecture from calibration images given as a tensor.
struct BnOptions {
  std::optional<std::filesystem::path> weights;  // supernet state_dict; random weights (seeded) when absent
  std::uint64_t seed = 0;
  std::filesystem::path arch;     // a YAML file with one architecture
  std::string space = "ofa-mbv3-w1.2";
  // The calibration images, one of:
  std::filesystem::path tensors;  // float32 [N, 3, r, r], cut into batches in order (the last one short)
  std::filesystem::path images;   // an image folder: `count` images drawn with `seed`, OFA's augmentation
  int count = 2000;
  std::string classes, data_dir;  // the folder's class list (default: the data folder's)
  int threads = 0;                // decoding threads (0: all cores)
  bool skip_unreadable = false;
  int batch_size = 200;
  std::filesystem::path out;
  const std::atomic<bool>* cancel = nullptr;  // checked between batches
};
// Writes `out` atomically; returns a one-line report.
std::string run_bn(const BnOptions& options);

}  // namespace ofa::runtime
