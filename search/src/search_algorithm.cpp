#include "ofa/search/search_algorithm.hpp"

#include <omp.h>

#include "ofa/common/error.hpp"
#include "ofa/search/evolution.hpp"
#include "ofa/search/exhaustive.hpp"
#include "ofa/search/nsga2.hpp"

namespace ofa::search {

int worker_threads(const SearchContext& ctx) {
  return ctx.settings.threads > 0 ? ctx.settings.threads : omp_get_max_threads();
}

std::unique_ptr<SearchAlgorithm> make_search_algorithm(common::Algorithm a) {
  switch (a) {
    case common::Algorithm::Evolution: return std::make_unique<Evolution>();
    case common::Algorithm::Nsga2: return std::make_unique<Nsga2>();
    case common::Algorithm::Exhaustive: return std::make_unique<Exhaustive>();
  }
  throw common::Error("unknown algorithm");
}

}  // namespace ofa::search
