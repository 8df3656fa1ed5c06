// Agreement statistics of predictions against measurements: Spearman, MAPE, a least-squares line.
#pragma once
#include <span>

namespace ofa::common {

// How well one list of latencies predicts another: what calibration, benchmarks and the
// latency model report.
// Spearman rank correlation (average ranks for ties).
double spearman(std::span<const double> x, std::span<const double> y);
// Mean absolute percentage error of `predicted` against `measured`, in percent.
double mape(std::span<const double> predicted, std::span<const double> measured);
// Least squares y = a x + b.
struct LinearFit {
  double a = 1, b = 0;
};
LinearFit fit_line(std::span<const double> x, std::span<const double> y);

}  // namespace ofa::common
