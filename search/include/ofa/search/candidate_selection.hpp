// Which candidates a measuring command takes: --only-front, --top N, --spread N.
#pragma once
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "ofa/common/candidates_file.hpp"

namespace ofa::search {

// Which candidates a measuring command takes (--only-front, --top N, --spread N).
struct CandidateSelection {
  bool only_front = false;     // those on the predicted front
  std::optional<int> top;      // the N of highest predicted accuracy
  std::optional<int> spread;   // N spread over the range of `cost` (Dynamic-OFA's levels span it)
};

// Error naming the flag when N < 1, or --top with --spread.
void check_selection(const CandidateSelection& selection);

// Positions in `rows` of the selected candidates, each architecture once (its first row):
// in the rows' order, by accuracy for --top, by cost for --spread.
std::vector<std::size_t> select_candidates(std::span<const common::CandidateRow> rows, const CandidateSelection& selection,
                                           const std::function<double(std::size_t)>& cost);

}  // namespace ofa::search
