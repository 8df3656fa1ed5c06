// Random architectures, mutation and crossover as OFA's evolution draws them.
#pragma once
#include "ofa/common/arch_config.hpp"
#include "ofa/search/random.hpp"

namespace ofa::search {

// A uniformly random architecture of the space: every block and stage value drawn from
// its choices (inactive blocks too, as OFA does), compound rules applied.
common::ArchConfig random_arch(const common::SearchSpace& space, Rng& rng);

// OFA's mutation: the resolution, each block (kernel and expand ratio together) and each
// stage depth is redrawn with probability `prob`; compound rules re-applied.
common::ArchConfig mutate(const common::SearchSpace& space, const common::ArchConfig& arch, double prob, Rng& rng);

// OFA's crossover: each value taken from one parent or the other with equal probability.
common::ArchConfig crossover(const common::SearchSpace& space, const common::ArchConfig& a,
                             const common::ArchConfig& b, Rng& rng);

// Sets every block's expand ratio to what its stage's depth requires (CompOFA), and the
// fixed kernels; no-op for the OFA spaces.
void apply_space_rules(const common::SearchSpace& space, common::ArchConfig& arch);

}  // namespace ofa::search
