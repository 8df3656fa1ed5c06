#include "ofa/search/library_builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/search/front_plot.hpp"

namespace ofa::search {

using namespace ofa::common;

std::vector<std::size_t> spread_levels(const std::vector<double>& lat, std::size_t count) {
  const std::size_t n = lat.size();
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), std::size_t{0});
  if (count == 0 || count >= n) return all;
  if (count == 1) return {n - 1};  // one level: the most accurate
  std::vector<bool> taken(n, false);
  taken[0] = taken[n - 1] = true;
  for (std::size_t j = 1; j + 1 < count; ++j) {
    const double want = lat[0] + (lat[n - 1] - lat[0]) * static_cast<double>(j) / static_cast<double>(count - 1);
    std::size_t best = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (taken[i]) continue;
      if (best == n || std::abs(lat[i] - want) < std::abs(lat[best] - want)) best = i;
    }
    taken[best] = true;
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i)
    if (taken[i]) out.push_back(i);
  return out;
}

namespace {

// The rows of `order` (sorted by latency, then accuracy descending) on the front: each more
// accurate than every row before it and strictly slower than the last kept.
template <class Accuracy>
std::vector<std::size_t> front_of_sorted(const common::MeasuredFile& m, const std::vector<std::size_t>& order, Accuracy acc_of) {
  std::vector<std::size_t> front;
  for (std::size_t i : order) {
    const common::MeasuredRow& r = m.rows[i];
    if (!front.empty()) {
      const common::MeasuredRow& last = m.rows[front.back()];
      // Dominated or equal; a row with the same latency as the last kept one is less accurate.
      if (acc_of(r) <= acc_of(last) || r.measured.median_ms == last.measured.median_ms) continue;
    }
    front.push_back(i);
  }
  return front;
}

}  // namespace

common::LibraryFile build_library(const common::MeasuredFile& m, const std::string& measured_path, int levels, AccuracySource source) {
  if (m.rows.empty()) throw Error(measured_path + ": no measurements");
  if (levels < 0) throw Error("--levels " + std::to_string(levels) + " must be positive (0: the whole front)");
  const bool measured_acc = source == AccuracySource::Measured;
  for (std::size_t i = 0; i < m.rows.size(); ++i) {
    const common::MeasuredRow& r = m.rows[i];
    const std::string w = measured_path + ": measurements[" + std::to_string(i) + "] (id " + std::to_string(r.candidate.id) + ")";
    if (!(r.measured.median_ms > 0)) throw Error(w + ": measured.median_ms = " + common::format_g(r.measured.median_ms, 6) + " must be positive");
  }
  // Measured accuracy: the rows `ofa-measure accuracy` evaluated (it may be told to evaluate
  // only some); the others cannot be placed and are left out.
  // An int8 row's accuracy is only what was measured: the predictor knows float32 networks, and
  // an int8 row ranked by it would tie its fp32 twin and win on latency alone.
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < m.rows.size(); ++i)
    if (measured_acc ? m.rows[i].measured_accuracy.has_value() : m.rows[i].precision.precision == common::kFp32) rows.push_back(i);
  if (rows.empty())
    throw Error(measured_path + (measured_acc ? ": no row has 'measured_accuracy' (run `ofa-measure accuracy` on it, or use --accuracy predicted)"
                                              : ": no fp32 row (int8 rows are ranked by measured accuracy only: --accuracy measured)"));
  // Sort by (latency, -accuracy, id): then a row is on the front exactly when it is more
  // accurate than every row before it, which also drops exact duplicates.
  auto acc_of = [&](const common::MeasuredRow& r) { return measured_acc ? *r.measured_accuracy : r.candidate.predicted_accuracy; };
  std::vector<std::size_t> order = rows;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const common::MeasuredRow &x = m.rows[a], &y = m.rows[b];
    if (x.measured.median_ms != y.measured.median_ms) return x.measured.median_ms < y.measured.median_ms;
    if (acc_of(x) != acc_of(y)) return acc_of(x) > acc_of(y);
    if (x.candidate.id != y.candidate.id) return x.candidate.id < y.candidate.id;
    return x.precision.precision < y.precision.precision;
  });
  const std::vector<std::size_t> front = front_of_sorted(m, order, acc_of);
  std::vector<double> lat;
  for (std::size_t i : front) lat.push_back(m.rows[i].measured.median_ms);
  common::LibraryFile f;
  static_cast<common::MeasurementSetup&>(f) = m;  // where and how the levels were measured
  f.measured = measured_path;
  f.accuracy_source = measured_acc ? "measured" : "predicted";
  for (std::size_t k : spread_levels(lat, static_cast<std::size_t>(levels))) {
    const common::MeasuredRow& r = m.rows[front[k]];
    common::Level l;
    l.candidate_id = r.candidate.id;
    l.arch = r.candidate.arch;
    l.accuracy = acc_of(r);
    l.accuracy_source = f.accuracy_source;
    l.latency_median_ms = r.measured.median_ms;
    l.latency_p90_ms = std::max(r.measured.p90_ms, r.measured.median_ms);
    l.predicted_latency_ms = r.candidate.latency_ms;
    l.macs_m = r.candidate.macs_m;
    l.params_m = r.candidate.params_m;
    l.bn = r.bn;  // relative to the measured file's folder; run_pareto rebases it
    l.engine = r.engine;  // the engine auto chose for it ("" when the file has one engine)
    l.precision = r.precision;  // its int8 file relative to the measured file's folder; run_pareto rebases it
    f.levels.push_back(l);
  }
  common::check_levels(f.levels, measured_path);
  return f;
}

}  // namespace ofa::search
