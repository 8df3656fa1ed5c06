// networks.yaml of a fitted latency model (format ofa-latency-model-networks/1): every network measured, its split and predictions.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/search_space.hpp"

namespace ofa::common {

struct ModelNetwork {
  bool heldout = false;  // held out of the fit (split: heldout), else fitted (split: fit)
  double measured_ms = 0;
  double model_ms = 0;  // the fitted model's prediction
  double table_ms = 0;  // the per-layer table's
  ArchConfig arch;
};

struct ModelNetworks {
  std::string space;
  std::vector<ModelNetwork> networks;
};

std::string format_model_networks_yaml(const ModelNetworks& file);
// Checks every architecture against `space`; Error naming the file, the network and the key.
ModelNetworks read_model_networks(const std::filesystem::path& file, const SearchSpace& space);

}  // namespace ofa::common
