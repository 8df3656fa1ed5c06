// Dynamic-OFA's level files (nets_6.pickle, nets_7.pickle) read as data: each level's architecture, figures and BN statistics.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/common/torch_save_writer.hpp"

namespace ofa::common {

// One level as Dynamic-OFA stored it (../shared/data/dynamic_ofa/README.md describes the file).
struct DynamicOfaLevel {
  ArchConfig arch;
  double top1_percent = 0;            // accu_lat[0]: measured top-1, in percent
  double latency_ms = 0;              // accu_lat[1]: measured on their device
  std::int64_t calibration_images = 0;  // the meters' count
  // The recalibrated statistics under the supernet's buffer names
  // (`blocks.N.conv.X.bn.bn.running_mean`, ...), each as long as the subnet's BatchNorm: what
  // `ofa-measure bn` writes and `--bn` reads (the first n entries of each supernet buffer).
  FloatStateDict bn;
};

// The supernet BatchNorm module (without `.running_mean`) that subnet BN `old_name` of `arch`
// maps to (`blocks.k.mobile_inverted_conv.X.bn` -> `blocks.N.conv.X.bn.bn`, N the k-th active
// block), and the channel count it must have; Error when `arch` has no such BN.
struct SubnetBn {
  std::string old_name;       // Dynamic-OFA's name, old OFA naming (module order)
  std::string supernet_name;  // the supernet module, current OFA naming
  int channels = 0;
};
// Every BatchNorm of the subnet `arch`, in module order (3 * sum(d) + 4 of them).
std::vector<SubnetBn> subnet_batchnorms(const SearchSpace& space, const ArchConfig& arch);

// Reads a Dynamic-OFA level file, in either layout (nets_6: bn_lists[i] a numpy object array;
// nets_7: a list), checking every level against `space`: the config, the BN names and lengths
// the architecture has, finite statistics and non-negative variances, finite non-negative
// figures. Errors name the file, the level and the key.
std::vector<DynamicOfaLevel> read_dynamic_ofa_levels(const std::filesystem::path& file, const SearchSpace& space);

}  // namespace ofa::common
