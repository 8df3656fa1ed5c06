// Rejection sampling of architectures under an efficiency limit, with an attempt budget.
#pragma once
#include "ofa/common/arch_config.hpp"
#include "ofa/search/blockwise_table.hpp"
#include "ofa/search/random.hpp"

namespace ofa::search {

// OFA's rejection sampling under an efficiency limit, made to terminate. Every call gives
// an architecture with table(arch) <= limit, provided limit >= table.min_value().

// Uniform samples until one fits (OFA's random_sample); after `tries` misses, a constructive
// sample: the cheapest network at a random feasible resolution, then random upgrades that
// keep it within the limit.
common::ArchConfig random_feasible(const common::SearchSpace& space, const BlockwiseTable& table, double limit,
                                   Rng& rng, int tries = 1000);

// OFA's mutate_sample: mutate until the child fits; after `tries` misses, the parent itself.
common::ArchConfig mutate_feasible(const common::SearchSpace& space, const BlockwiseTable& table, double limit,
                                   const common::ArchConfig& parent, double prob, Rng& rng, int tries = 10000);

// OFA's crossover_sample: cross until the child fits; after `tries` misses, the first parent.
common::ArchConfig crossover_feasible(const common::SearchSpace& space, const BlockwiseTable& table, double limit,
                                      const common::ArchConfig& a, const common::ArchConfig& b, Rng& rng,
                                      int tries = 10000);

// The cheapest architecture of the space at resolution r (per stage, the cheapest depth of
// cheapest blocks).
common::ArchConfig cheapest_arch(const common::SearchSpace& space, const BlockwiseTable& table, int r);

}  // namespace ofa::search
