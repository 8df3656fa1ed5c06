// Interleaved rounds: items timed once per round in a shuffled order, and the half-split noise.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "ofa/common/cancel_flag.hpp"
#include "ofa/common/timing_stats.hpp"

namespace ofa::runtime {

// Measurement that survives a machine whose speed drifts (a shared VM drifts by up to 2x
// within minutes): every item is timed once per round, in an order shuffled per round, over
// R rounds, so a slow spell slows every item alike instead of the items it happened to hit.
struct RoundsOptions {
  int rounds = 6;    // R
  int calls = 5;     // timed calls per item per round
  int warmup = 3;    // untimed calls per item before the first round
  std::uint64_t seed = 0;
  common::CancelFlag cancel;                         // checked between rounds
  std::function<void(int round)> on_round_done;      // progress
};

// The machine's own noise: the per-item medians of the first half of the rounds against
// those of the second half (R >= 2, at least two items).
struct HalfSplitNoise {
  double spearman = 0;
  double mape = 0;  // of the first half against the second, in %
  std::size_t items = 0;
};

struct RoundsResult {
  std::vector<std::vector<double>> round_medians;  // [item][round]: the median of the round's calls
  // Per item: median_ms is the median over rounds of the round medians; the other fields
  // summarise every timed call.
  std::vector<common::TimingStats> stats;
  std::optional<HalfSplitNoise> noise;
};

// `repeats` timed calls per item spread over `rounds` rounds (fewer repeats than rounds: one
// call per round, as many rounds as repeats), as `ofa-measure latency` and `lut` take them.
RoundsOptions spread_repeats(int rounds, int repeats, int warmup, std::uint64_t seed, common::CancelFlag cancel);

// The order of round `round` (a seeded shuffle of 0..items-1).
std::vector<std::size_t> round_order(std::size_t items, std::uint64_t seed, int round);

// Times `time_call(i)` (which runs item i once and returns its milliseconds) in rounds.
RoundsResult measure_in_rounds(std::size_t items, const std::function<double(std::size_t)>& time_call, const RoundsOptions& options);

// The half-split agreement of per-item round medians; empty with fewer than 2 rounds or items.
std::optional<HalfSplitNoise> half_split_noise(const std::vector<std::vector<double>>& round_medians);

}  // namespace ofa::runtime
