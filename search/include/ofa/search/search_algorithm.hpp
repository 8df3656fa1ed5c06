// The interface every search algorithm implements, and what it is given.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ofa/common/profile.hpp"
#include "ofa/common/reporter.hpp"
#include "ofa/search/accuracy_predictor.hpp"
#include "ofa/search/candidate.hpp"
#include "ofa/search/efficiency_model.hpp"

namespace ofa::search {

// Everything a search reads. The settings are the profile's, after command-line overrides.
struct SearchContext {
  const common::SearchSpace& space;
  const EfficiencyModel& efficiency;
  const AccuracyPredictor& predictor;
  common::SearchSettings settings;
  int keep = 5;                                  // evolution: best distinct architectures kept per constraint
  // Progress as task "search" with a short label ("20 ms", "generation 40"); its cancel flag
  // stops the search between generations with Error("interrupted").
  common::Reporter reporter;
};

struct SearchStats {
  long predictor_evaluations = 0;  // architectures scored by the predictor (cache misses)
  long score_lookups = 0;          // scores asked for, cache hits included
};

// One search method (`evolution`, `nsga2`, `exhaustive`). Results depend only on the context
// (seed included), never on the thread count.
class SearchAlgorithm {
 public:
  virtual ~SearchAlgorithm() = default;
  virtual std::vector<Candidate> run(const SearchContext& context) = 0;
  const SearchStats& stats() const { return stats_; }

 protected:
  SearchStats stats_;
};

std::unique_ptr<SearchAlgorithm> make_search_algorithm(common::Algorithm algorithm);

// Stream ids for per-candidate random generators: (run, generation, index) -> one id.
inline std::uint64_t stream_id(std::uint64_t run, std::uint64_t generation, std::uint64_t index) {
  return (run << 44) ^ (generation << 22) ^ index;
}

// The worker threads a search runs on: settings.threads, or all cores when it is 0.
int worker_threads(const SearchContext& context);

}  // namespace ofa::search
