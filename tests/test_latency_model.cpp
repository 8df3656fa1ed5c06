// The latency model's fit on synthetic data with a known additive ground truth, and the
// interleaved rounds' order and half-split noise estimate on scripted timings.
#include <cmath>
#include <set>

#include "catch.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/fit_statistics.hpp"
#include "ofa/runtime/measure/interleaved_rounds.hpp"
#include "ofa/search/latency_model.hpp"
#include "ofa/search/random.hpp"
#include "ofa/search/sampling.hpp"

using namespace ofa::search;
using namespace ofa::common;
using ofa::runtime::half_split_noise;
using ofa::runtime::measure_in_rounds;
using ofa::runtime::round_order;
using ofa::runtime::RoundsOptions;

namespace {

// A ground truth in the model's form: per-key costs (MACs at a rate, each key off by a random
// factor in [0.5, 2]) and a per-resolution constant.
struct Truth {
  LatencyTables tables;
  std::map<int, double> constant;
  double operator()(const SearchSpace& space, const ArchConfig& a) const { return predict_latency(tables, space, a) + constant.at(a.r); }
};

Truth make_truth(const SearchSpace& space, const std::vector<int>& res, Rng& rng) {
  Truth t;
  t.tables = macs_prior(space, res, 2e-8);
  for (auto& [r, table] : t.tables)
    for (auto& [k, e] : table) e.mean *= 0.5 + 1.5 * rng.uniform01();
  for (int r : res) t.constant[r] = 1.0 + 0.01 * r;
  return t;
}

std::vector<ArchConfig> sample(const SearchSpace& space, const std::vector<int>& res, Rng& rng, int n) {
  std::vector<ArchConfig> out;
  for (int i = 0; i < n; ++i) {
    ArchConfig a = random_arch(space, rng);
    a.r = res[static_cast<std::size_t>(rng.uniform_int(static_cast<int>(res.size())))];
    out.push_back(a);
  }
  return out;
}

}  // namespace

TEST_CASE("the latency fit recovers an additive ground truth exactly, and tolerates noise", "[latency-model]") {
  const SearchSpace space = search_space("ofa-mbv3-w1.2");
  const std::vector<int> res = {160, 192};
  Rng rng(11);
  const Truth truth = make_truth(space, res, rng);
  // The prior: each key off by another factor in [0.7, 1.4], and no constant.
  LatencyTables prior = truth.tables;
  for (auto& [r, table] : prior)
    for (auto& [k, e] : table) e.mean *= 0.7 + 0.7 * rng.uniform01();
  const auto fit_archs = sample(space, res, rng, 800), held = sample(space, res, rng, 200);
  std::vector<double> y;
  for (const auto& a : fit_archs) y.push_back(truth(space, a));

  const LatencyFit exact = fit_latency_model(space, fit_archs, y, prior, {1e-9});
  double worst = 0;
  for (const auto& a : held) worst = std::max(worst, std::abs(predict_latency(exact.tables, space, a) / truth(space, a) - 1));
  CHECK(worst < 1e-6);
  CHECK(exact.constants.size() == 2);
  CHECK(exact.tables.size() == 2);
  // The prior alone is far off (no constant, every key wrong).
  std::vector<double> p_prior, p_truth, p_noisy;
  for (const auto& a : held) {
    p_prior.push_back(predict_latency(prior, space, a));
    p_truth.push_back(truth(space, a));
  }
  CHECK(mape(p_prior, p_truth) > 10);

  // +-3 % noise on every measurement: on held-out networks the model is closer to the truth
  // than the measurements are (fitting averages the noise out).
  std::vector<double> noisy;
  for (double v : y) noisy.push_back(v * (0.97 + 0.06 * rng.uniform01()));
  const LatencyFit fit = fit_latency_model(space, fit_archs, noisy, prior, {});
  for (const auto& a : held) p_noisy.push_back(predict_latency(fit.tables, space, a));
  CHECK(mape(p_noisy, p_truth) < 1.5);  // the measurements' own MAPE is 1.5 %
  CHECK(spearman(p_noisy, p_truth) > 0.99);
  // Costs stay non-negative.
  for (const auto& [r, table] : fit.tables)
    for (const auto& [k, e] : table) CHECK(e.mean >= 0);
}

TEST_CASE("the latency fit refuses what it cannot fit", "[latency-model][errors]") {
  const SearchSpace space = search_space("ofa-mbv3-w1.2");
  Rng rng(3);
  const auto archs = sample(space, {160, 176, 192}, rng, 4);
  const LatencyTables prior = macs_prior(space, {160, 176, 192}, 1e-8);
  CHECK_THROWS_WITH(fit_latency_model(space, archs, {1, 2, 3, 4}, prior, {}), ofa::test::contains("too few networks to fit"));
  const auto more = sample(space, {160, 176, 192}, rng, 10);
  std::vector<double> y(10, 5.0);
  y[3] = std::nan("");
  CHECK_THROWS_WITH(fit_latency_model(space, more, y, prior, {}), ofa::test::contains("network 3"));
  y[3] = 5;
  CHECK_THROWS_WITH(fit_latency_model(space, more, y, macs_prior(space, {160}, 1e-8), {}), ofa::test::contains("no resolution"));
}

TEST_CASE("interleaved rounds: every item once per round in a seeded shuffle, medians over rounds", "[latency-model][rounds]") {
  // Each round's order is a permutation, seeded, and differs between rounds.
  std::set<std::vector<std::size_t>> orders;
  for (int r = 0; r < 6; ++r) {
    auto o = round_order(9, 4, r);
    CHECK(round_order(9, 4, r) == o);
    orders.insert(o);
    std::sort(o.begin(), o.end());
    for (std::size_t i = 0; i < 9; ++i) CHECK(o[i] == i);
  }
  CHECK(orders.size() > 1);
  // Scripted timings: item i costs 10 + i ms, times a machine speed that doubles halfway
  // through (the drift a shared VM shows). Calls are logged to check the interleaving.
  std::vector<std::size_t> log;
  std::size_t calls = 0;
  const int rounds = 4, per = 3, warmup = 1, items = 5;
  auto timer = [&](std::size_t i) {
    log.push_back(i);
    const bool slow = ++calls > static_cast<std::size_t>(items * (warmup + rounds * per / 2));
    return (10.0 + static_cast<double>(i)) * (slow ? 2.0 : 1.0);
  };
  RoundsOptions o;
  o.rounds = rounds;
  o.calls = per;
  o.warmup = warmup;
  o.seed = 4;
  const auto result = measure_in_rounds(items, timer, o);
  REQUIRE(log.size() == static_cast<std::size_t>(items * (warmup + rounds * per)));
  // After the warm-up, each round holds every item exactly `per` times, back to back.
  for (int r = 0; r < rounds; ++r) {
    const auto order = round_order(items, 4, r);
    for (int k = 0; k < items; ++k)
      for (int c = 0; c < per; ++c)
        CHECK(log[static_cast<std::size_t>(items * warmup + r * items * per + k * per + c)] == order[static_cast<std::size_t>(k)]);
  }
  // The drift hit every item alike: the ranking is intact, and the half split sees it.
  REQUIRE(result.noise);
  CHECK(result.noise->items == 5);
  CHECK(result.noise->spearman == Approx(1.0));
  CHECK(result.noise->mape == Approx(50.0));  // the first half is half the second
  for (int i = 0; i < items; ++i) CHECK(result.round_medians[static_cast<std::size_t>(i)].size() == rounds);
  // Half split on hand-made medians.
  const auto n = half_split_noise({{10, 10, 11, 11}, {20, 20, 20, 20}, {30, 30, 27, 27}});
  REQUIRE(n);
  CHECK(n->spearman == Approx(1.0));
  CHECK(n->mape == Approx((100.0 / 11 * 1 + 0 + 100.0 / 9) / 3));
  CHECK_FALSE(half_split_noise({{1, 2, 3}}));
  CHECK_FALSE(half_split_noise({{1}, {2}}));
  o.rounds = 0;
  CHECK_THROWS_AS(measure_in_rounds(2, timer, o), Error);
}
