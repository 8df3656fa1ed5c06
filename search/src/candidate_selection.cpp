#include "ofa/search/candidate_selection.hpp"

#include <algorithm>
#include <unordered_set>

#include "ofa/common/error.hpp"
#include "ofa/search/library_builder.hpp"

namespace ofa::search {

using common::Error;

void check_selection(const CandidateSelection& s) {
  if (s.top && *s.top < 1) throw Error("--top " + std::to_string(*s.top) + " must be >= 1");
  if (s.spread && *s.spread < 1) throw Error("--spread " + std::to_string(*s.spread) + " must be >= 1");
  if (s.top && s.spread) throw Error("--top and --spread are exclusive");
}

std::vector<std::size_t> select_candidates(std::span<const common::CandidateRow> rows, const CandidateSelection& s,
                                           const std::function<double(std::size_t)>& cost) {
  check_selection(s);
  std::vector<std::size_t> selected;
  // The same architecture found for several constraints is taken once.
  // (ArchConfig's equality ignores the values of inactive blocks.)
  std::unordered_set<common::ArchConfig, common::ArchConfigHash> seen;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (s.only_front && !rows[i].on_front) continue;
    if (seen.insert(rows[i].arch).second) selected.push_back(i);
  }
  if (s.top) {
    std::stable_sort(selected.begin(), selected.end(),
                     [&](std::size_t a, std::size_t b) { return rows[a].predicted_accuracy > rows[b].predicted_accuracy; });
    if (static_cast<int>(selected.size()) > *s.top) selected.resize(static_cast<std::size_t>(*s.top));
  }
  if (s.spread) {
    std::stable_sort(selected.begin(), selected.end(), [&](std::size_t a, std::size_t b) { return cost(a) < cost(b); });
    std::vector<double> costs;
    for (std::size_t i : selected) costs.push_back(cost(i));
    std::vector<std::size_t> picked;
    for (std::size_t k : spread_levels(costs, static_cast<std::size_t>(*s.spread))) picked.push_back(selected[k]);
    selected.swap(picked);
  }
  return selected;
}

}  // namespace ofa::search
