// Summary statistics of timed calls: median, mean, percentiles and the interdecile mean OFA's tables use.
#pragma once
#include <vector>

namespace ofa::common {

// Statistics of repeated latency measurements (ms).
struct TimingStats {
  int count = 0;
  double mean_ms = 0, median_ms = 0, p10_ms = 0, p90_ms = 0, std_ms = 0;
  // Mean and std of the samples between p10 and p90: on a shared machine, spikes from other
  // work would otherwise dominate a per-layer mean (we measured a 24 % inflated table sum).
  double interdecile_mean_ms = 0, interdecile_std_ms = 0;
};

// Statistics of a list of latencies (ms); percentiles by linear interpolation, as numpy's default.
TimingStats summarize(std::vector<double> samples_ms);

// The q-quantile (0..1) of sorted values, linear interpolation; 0 for an empty list.
double percentile_sorted(const std::vector<double>& sorted, double q);

}  // namespace ofa::common
