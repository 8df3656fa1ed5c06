// The torch-free statistics the measuring commands report (common/): here, so the sanitizer
// lane runs them too.
#include <cmath>
#include <vector>

#include "catch.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/fit_statistics.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/timing_stats.hpp"

using namespace ofa::common;

TEST_CASE("spearman, mape and the least-squares line", "[statistics]") {
  const std::vector<double> x{1, 2, 3, 4, 5}, y{2, 4, 5, 4, 5};
  CHECK(spearman(x, x) == Approx(1.0));
  CHECK(spearman(x, std::vector<double>{5, 4, 3, 2, 1}) == Approx(-1.0));
  // Ranks of y with ties averaged: 1, 2.5, 4.5, 2.5, 4.5; Pearson of the ranks = 7 / sqrt(10 * 9).
  CHECK(spearman(x, y) == Approx(7.0 / std::sqrt(90.0)));
  CHECK(mape(std::vector<double>{110, 90}, std::vector<double>{100, 100}) == Approx(10.0));
  const auto f = fit_line(x, std::vector<double>{3, 5, 7, 9, 11});
  CHECK(f.a == Approx(2.0));
  CHECK(f.b == Approx(1.0));
}

TEST_CASE("timing statistics: percentiles as numpy, spikes out of the interdecile mean", "[measure]") {
  const TimingStats t = summarize({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100});
  CHECK(t.count == 11);
  CHECK(t.median_ms == Approx(6));
  CHECK(t.p10_ms == Approx(2));   // numpy.percentile(..., 10), linear
  CHECK(t.p90_ms == Approx(10));
  CHECK(t.mean_ms == Approx(155.0 / 11));
  CHECK(t.interdecile_mean_ms == Approx(6));  // 2..10: the spike at 100 is left out
}

TEST_CASE("figures and values as people read them: no 300-digit numbers, no newline cutting a message", "[statistics][errors]") {
  // Issue #29: a LUT calibrated to a huge offset printed a 300-digit latency in the front table;
  // --latency-device $'a\nb: c' was cut at the newline in its error.
  CHECK(format_fixed(12.3456, 3) == "12.346");
  CHECK(format_fixed(1e300, 3) == "1e+300");
  CHECK(format_fixed(-2.5e17, 3) == "-2.5e+17");
  CHECK(printable("a\nb: c") == "a\\nb: c");
  CHECK(printable(std::string("tab\there\x01\x7f")) == "tab\\there\\x01\\x7f");
  CHECK(printable("plain") == "plain");
}
