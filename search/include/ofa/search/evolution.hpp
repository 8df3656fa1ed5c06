// OFA's regularized evolution, run once per constraint.
#pragma once
#include "ofa/search/search_algorithm.hpp"

namespace ofa::search {

// OFA's regularized evolution (EvolutionFinder.run_evolution_search), run once per
// constraint of the sweep: a random population within the constraint; each generation keeps
// the best round(parent_ratio * P) as parents and adds round(mutation_ratio * P) mutated
// children and P - that crossed-over children, all within the constraint. Returns the best
// `keep` distinct architectures of the final population for each constraint.
class Evolution : public SearchAlgorithm {
 public:
  std::vector<Candidate> run(const SearchContext& context) override;

  // One constraint; `run_index` selects the random streams.
  std::vector<Candidate> run_one(const SearchContext& context, double constraint, int run_index);
};

// Python's round() (half to even), which OFA uses for the parent and mutation counts.
int python_round(double x);

// Error naming the smallest reachable value when no architecture meets `constraint`.
void check_feasible(const SearchContext& context, double constraint);

}  // namespace ofa::search
