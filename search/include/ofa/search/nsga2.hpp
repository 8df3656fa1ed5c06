// NSGA-II over (accuracy, efficiency) in one run.
#pragma once
#include <span>

#include "ofa/search/pareto.hpp"
#include "ofa/search/search_algorithm.hpp"

namespace ofa::search {

// NSGA-II over (maximise predicted accuracy, minimise efficiency) in one run: binary
// tournaments on (front rank, crowding distance), uniform crossover then OFA's mutation,
// elitist survival with crowding so the front is spread over the whole range. When the
// settings have constraints, architectures above the largest are never admitted (the range
// of interest). Every architecture scored is kept in an archive; the result is the
// archive's non-dominated set.
class Nsga2 : public SearchAlgorithm {
 public:
  std::vector<Candidate> run(const SearchContext& context) override;
};

// Front rank (0 = non-dominated) of each point, and the crowding distance within its front.
void rank_and_crowd(std::span<const ParetoPoint> points, std::vector<int>& rank, std::vector<double>& crowding);

}  // namespace ofa::search
