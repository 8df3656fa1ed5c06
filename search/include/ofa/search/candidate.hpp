// One architecture a search produced, with the scores it was selected by.
#pragma once
#include <limits>
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"

namespace ofa::search {

// One architecture a search produced, with the scores it was selected by.
struct Candidate {
  common::ArchConfig arch;
  float accuracy = 0;     // predicted accuracy
  double efficiency = 0;  // the profile's metric: LUT latency (ms) or MACs (millions), exact sum
  double constraint = std::numeric_limits<double>::quiet_NaN();  // the evolution constraint; NaN otherwise
};

}  // namespace ofa::search
