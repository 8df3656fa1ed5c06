#include "ofa/runtime/measure/interleaved_rounds.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "ofa/common/error.hpp"
#include "ofa/common/fit_statistics.hpp"

namespace ofa::runtime {

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return common::percentile_sorted(v, 0.5);
}

}  // namespace

RoundsOptions spread_repeats(int rounds, int repeats, int warmup, std::uint64_t seed, common::CancelFlag cancel) {
  RoundsOptions o;
  o.rounds = std::max(1, std::min(rounds, repeats));
  o.calls = std::max(1, (repeats + o.rounds - 1) / o.rounds);
  o.warmup = warmup;
  o.seed = seed;
  o.cancel = cancel;
  return o;
}

std::vector<std::size_t> round_order(std::size_t items, std::uint64_t seed, int round) {
  std::vector<std::size_t> order(items);
  for (std::size_t i = 0; i < items; ++i) order[i] = i;
  std::mt19937_64 g(seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(round) + 1);
  for (std::size_t i = items; i > 1; --i) std::swap(order[i - 1], order[g() % i]);
  return order;
}

RoundsResult measure_in_rounds(std::size_t items, const std::function<double(std::size_t)>& time_call, const RoundsOptions& o) {
  if (o.rounds < 1) throw common::Error("--rounds " + std::to_string(o.rounds) + " must be >= 1");
  if (o.calls < 1) throw common::Error("--repeats " + std::to_string(o.calls) + " must be >= 1");
  if (o.warmup < 0) throw common::Error("--warmup " + std::to_string(o.warmup) + " must be >= 0");
  for (std::size_t i : round_order(items, o.seed, -1)) {
    o.cancel.check();
    for (int w = 0; w < o.warmup; ++w) (void)time_call(i);
  }
  RoundsResult r;
  r.round_medians.assign(items, {});
  std::vector<std::vector<double>> calls(items);
  for (int round = 0; round < o.rounds; ++round) {
    o.cancel.check();
    for (std::size_t i : round_order(items, o.seed, round)) {
      std::vector<double> t(static_cast<std::size_t>(o.calls));
      for (double& v : t) v = time_call(i);
      calls[i].insert(calls[i].end(), t.begin(), t.end());
      r.round_medians[i].push_back(median(t));
    }
    if (o.on_round_done) o.on_round_done(round);
  }
  for (std::size_t i = 0; i < items; ++i) {
    common::TimingStats s = common::summarize(calls[i]);
    s.median_ms = median(r.round_medians[i]);
    r.stats.push_back(s);
  }
  r.noise = half_split_noise(r.round_medians);
  return r;
}

std::optional<HalfSplitNoise> half_split_noise(const std::vector<std::vector<double>>& m) {
  if (m.size() < 2) return std::nullopt;
  const std::size_t rounds = m.front().size();
  if (rounds < 2) return std::nullopt;
  std::vector<double> first, second;
  for (const auto& item : m) {
    if (item.size() != rounds) throw std::invalid_argument("items with different round counts");
    const auto half = item.begin() + static_cast<std::ptrdiff_t>(rounds / 2);
    first.push_back(median(std::vector<double>(item.begin(), half)));
    second.push_back(median(std::vector<double>(half, item.end())));
  }
  return HalfSplitNoise{common::spearman(first, second), common::mape(first, second), m.size()};
}

}  // namespace ofa::runtime
