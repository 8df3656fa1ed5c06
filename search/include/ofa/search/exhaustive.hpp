// Every architecture of a small space scored, and its front.
#pragma once
#include <functional>

#include "ofa/search/search_algorithm.hpp"

namespace ofa::search {

// Every architecture of a small space (CompOFA's 1,215 fixed-kernel configs), scored: the
// exact predicted front. Returns every architecture when there are at most
// kAllCandidatesLimit, else only the non-dominated ones.
class Exhaustive : public SearchAlgorithm {
 public:
  std::vector<Candidate> run(const SearchContext& context) override;
  static constexpr long kSpaceLimit = 2'000'000;
  static constexpr long kAllCandidatesLimit = 10'000;
};

// The number of distinct (canonical) architectures of a space; saturates at LONG_MAX.
long space_size(const common::SearchSpace& space);

// Calls fn once per distinct architecture (inactive blocks 0), in a fixed order.
void for_each_arch(const common::SearchSpace& space, const std::function<void(const common::ArchConfig&)>& fn);

}  // namespace ofa::search
