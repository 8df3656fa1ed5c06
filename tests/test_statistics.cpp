// The torch-free statistics the measuring commands report (common/): here, so the sanitizer
// lane runs them too.
#include <cmath>
#include <cstdlib>
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

TEST_CASE("the shortest text of a value reads back as it, in %g's style", "[statistics]") {
  // std::to_chars(general)'s text; GCC 10's library has none, and the fallback written for it
  // (compared with to_chars over 2 million values: the same text but for a few powers of two)
  // is what a GCC 10 build (scripts/test-floor) checks here.
  CHECK(format_shortest(0.0001) == "0.0001");
  CHECK(format_shortest(1e-05) == "1e-05");
  CHECK(format_shortest(100000) == "100000");
  CHECK(format_shortest(1e6) == "1e+06");
  CHECK(format_shortest(123456789) == "1.23456789e+08");
  CHECK(format_shortest(0.1) == "0.1");
  CHECK(format_shortest(0) == "0");
  CHECK(format_shortest(-0.5) == "-0.5");
  CHECK(format_shortest(1.0 / 3) == "0.3333333333333333");
  CHECK(format_shortest(5e-324) == "5e-324");
  CHECK(format_shortest(999999.5) == "999999.5");
#if defined(__cpp_lib_to_chars)
  CHECK(format_shortest(0x1p-24) == "5.960464477539063e-08");
#endif
  CHECK(std::strtod(format_shortest(0x1p-24).c_str(), nullptr) == 0x1p-24);
  for (double v = 1e-7; v < 1e12; v *= 1.37) {
    CHECK(std::strtod(format_shortest(v).c_str(), nullptr) == v);
    CHECK(std::strtod(format_shortest(v * 3.1).c_str(), nullptr) == v * 3.1);
  }
}
