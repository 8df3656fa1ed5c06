#include "ofa/common/timing_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ofa::common {

double percentile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

TimingStats summarize(std::vector<double> s) {
  TimingStats t;
  t.count = static_cast<int>(s.size());
  if (s.empty()) return t;
  std::sort(s.begin(), s.end());
  t.mean_ms = std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
  double var = 0;
  for (double v : s) var += (v - t.mean_ms) * (v - t.mean_ms);
  t.std_ms = std::sqrt(var / static_cast<double>(s.size()));
  t.median_ms = percentile_sorted(s, 0.5);
  t.p10_ms = percentile_sorted(s, 0.1);
  t.p90_ms = percentile_sorted(s, 0.9);
  double sum = 0, sq = 0;
  int n = 0;
  for (double v : s) {
    if (v < t.p10_ms || v > t.p90_ms) continue;
    sum += v;
    sq += v * v;
    ++n;
  }
  t.interdecile_mean_ms = sum / n;  // n >= 1: the median lies between p10 and p90
  t.interdecile_std_ms = std::sqrt(std::max(0.0, sq / n - t.interdecile_mean_ms * t.interdecile_mean_ms));
  return t;
}

}  // namespace ofa::common
