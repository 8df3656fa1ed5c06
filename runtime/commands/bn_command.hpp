// `ofa-measure bn`: a BN file for one architecture from calibration images (a tensor or an image folder).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include "ofa/common/reporter.hpp"

namespace ofa::runtime {

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
};
// Writes `out` atomically; returns a one-line report.
std::string run_bn(const BnOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
