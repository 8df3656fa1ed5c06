// Search engine properties on a synthetic predictor (no LibTorch): constraints hold, fronts
// are non-dominated, exhaustive equals brute force, results ignore the thread count.
#include "catch.hpp"

#include <set>

#include "ofa/common/error.hpp"
#include "ofa/search/evaluator.hpp"
#include "ofa/search/evolution.hpp"
#include "ofa/search/exhaustive.hpp"
#include "ofa/search/feasible_sampling.hpp"
#include "ofa/search/nsga2.hpp"
#include "ofa/search/pareto.hpp"
#include "ofa/search/sampling.hpp"
#include "ofa/search/score_cache.hpp"
#include "test_support.hpp"

using namespace ofa::common;
using namespace ofa::search;

namespace {

// A small random MLP standing in for the predictor: the properties tested hold for any scores.
AccuracyPredictor synthetic_predictor() {
  Rng rng(42);
  MlpWeights w;
  for (auto [in, out] : {std::pair{128, 32}, std::pair{32, 1}}) {
    DenseLayer l;
    l.in = in;
    l.out = out;
    for (int i = 0; i < in * out; ++i) l.weight.push_back(static_cast<float>(rng.uniform01() - 0.3));
    for (int i = 0; i < out; ++i) l.bias.push_back(0.1f);
    w.layers.push_back(l);
  }
  return AccuracyPredictor(w);
}

struct Fixture {
  SearchSpace space;
  Evaluator evaluator;
  AccuracyPredictor predictor = synthetic_predictor();
  EfficiencyModel efficiency;
  explicit Fixture(const std::string& space_name, Metric metric = Metric::Latency)
      : space(search_space(space_name)),
        evaluator(space, std::nullopt,
                  metric == Metric::Latency
                      ? std::optional<LatencyTable>(LatencyTable::load(ofa::test::data_dir() / "luts/jetson_xavier_nx_gpu", space))
                      : std::nullopt),
        efficiency(evaluator, metric) {}
  SearchContext context(SearchSettings s) const { return SearchContext{space, efficiency, predictor, s, 3}; }
};

SearchSettings small_settings() {
  SearchSettings s;
  s.population = 24;
  s.generations = 15;
  s.seed = 7;
  s.threads = 1;
  return s;
}

bool same(const std::vector<Candidate>& a, const std::vector<Candidate>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i].arch == b[i].arch) || a[i].accuracy != b[i].accuracy || a[i].efficiency != b[i].efficiency) return false;
  return true;
}

}  // namespace

TEST_CASE("pareto_mask equals a brute-force dominance check", "[pareto]") {
  Rng rng(1);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<ParetoPoint> p;
    for (int i = 0; i < 60; ++i) p.push_back({static_cast<double>(rng.uniform_int(20)), static_cast<double>(rng.uniform_int(20))});
    const auto mask = pareto_mask(p);
    for (std::size_t i = 0; i < p.size(); ++i) {
      bool dominated = false;
      for (std::size_t j = 0; j < p.size(); ++j) dominated |= dominates(p[j], p[i]);
      CHECK(mask[i] == !dominated);
    }
  }
}

TEST_CASE("NSGA-II ranks equal brute-force non-dominated sorting", "[pareto][nsga2]") {
  Rng rng(2);
  std::vector<ParetoPoint> p;
  for (int i = 0; i < 120; ++i) p.push_back({static_cast<double>(rng.uniform_int(30)), static_cast<double>(rng.uniform_int(30))});
  std::vector<int> rank;
  std::vector<double> crowding;
  rank_and_crowd(p, rank, crowding);
  // Peel fronts by brute force.
  std::vector<int> expected(p.size(), -1);
  for (int front = 0, left = static_cast<int>(p.size()); left > 0; ++front) {
    std::vector<std::size_t> now;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (expected[i] >= 0) continue;
      bool dominated = false;
      for (std::size_t j = 0; j < p.size(); ++j)
        if (expected[j] < 0 && dominates(p[j], p[i])) dominated = true;
      if (!dominated) now.push_back(i);
    }
    for (std::size_t i : now) expected[i] = front;
    left -= static_cast<int>(now.size());
  }
  CHECK(rank == expected);

  // Crowding distance as Deb et al. define it, per front: the ends infinite, each other point
  // the sum over both objectives of its neighbours' gap divided by the front's range. Distinct
  // values, so that the neighbours do not depend on how ties are ordered.
  std::vector<ParetoPoint> q;
  for (int i = 0; i < 200; ++i) q.push_back({rng.uniform01(), rng.uniform01()});
  rank_and_crowd(q, rank, crowding);
  for (int front = 0; front <= *std::max_element(rank.begin(), rank.end()); ++front) {
    std::vector<std::size_t> f;
    for (std::size_t i = 0; i < q.size(); ++i)
      if (rank[i] == front) f.push_back(i);
    std::vector<double> expect(q.size(), 0.0);
    for (int objective = 0; objective < 2; ++objective) {
      auto value = [&](std::size_t i) { return objective == 0 ? q[i].efficiency : q[i].accuracy; };
      std::sort(f.begin(), f.end(), [&](std::size_t a, std::size_t b) { return value(a) < value(b); });
      const double range = value(f.back()) - value(f.front());
      expect[f.front()] = expect[f.back()] = std::numeric_limits<double>::infinity();
      for (std::size_t j = 1; j + 1 < f.size(); ++j) expect[f[j]] += (value(f[j + 1]) - value(f[j - 1])) / range;
    }
    for (std::size_t i : f) {
      INFO("front " << front << " point " << i);
      if (std::isinf(expect[i])) CHECK(std::isinf(crowding[i]));
      else CHECK(crowding[i] == Approx(expect[i]).epsilon(1e-12));
    }
  }
}

TEST_CASE("python_round rounds half to even like Python's round()", "[evolution]") {
  CHECK(python_round(25.0) == 25);
  CHECK(python_round(2.5) == 2);
  CHECK(python_round(3.5) == 4);
  CHECK(python_round(0.25 * 100) == 25);
  CHECK(python_round(0.5 * 5) == 2);
}

TEST_CASE("feasible sampling always meets the limit, even just above the smallest value", "[sampling]") {
  Fixture fx("ofa-mbv3-w1.2");
  const auto& table = fx.efficiency.table();
  const double tight = table.min_value() + 0.05;
  Rng rng(3);
  for (int i = 0; i < 40; ++i) {
    const ArchConfig a = random_feasible(fx.space, table, tight, rng, 50);
    CHECK(validation_error(fx.space, a).empty());
    CHECK(table(a) <= tight);
    const ArchConfig m = mutate_feasible(fx.space, table, tight, a, 0.1, rng, 50);
    CHECK(table(m) <= tight);
  }
  const ArchConfig cheapest = cheapest_arch(fx.space, table, 176);
  CHECK(table(cheapest) == Approx(table.min_value_at(176)).epsilon(1e-12));
}

TEST_CASE("evolution: every candidate meets its constraint, and the same seed gives the same result on 1 and 2 threads", "[evolution]") {
  Fixture fx("ofa-mbv3-w1.2");
  SearchSettings s = small_settings();
  s.constraints = {18, 22.5};
  Evolution one;
  const auto a = one.run(fx.context(s));
  REQUIRE(a.size() == 6);  // keep = 3 per constraint
  for (const auto& c : a) {
    CHECK(c.efficiency <= c.constraint);
    CHECK(fx.efficiency(c.arch) == c.efficiency);
    CHECK(validation_error(fx.space, c.arch).empty());
  }
  // Best first within a constraint, and distinct.
  CHECK(a[0].accuracy >= a[1].accuracy);
  CHECK(!(a[0].arch == a[1].arch));
  s.threads = 2;
  Evolution two;
  CHECK(same(a, two.run(fx.context(s))));
  s.seed = 8;
  Evolution other;
  CHECK(!same(a, other.run(fx.context(s))));
}

TEST_CASE("evolution improves on its random start", "[evolution]") {
  Fixture fx("ofa-mbv3-w1.2");
  SearchSettings s = small_settings();
  s.constraints = {24};
  s.generations = 1;
  Evolution short_run;
  const float start = short_run.run(fx.context(s)).front().accuracy;
  s.generations = 60;
  Evolution long_run;
  CHECK(long_run.run(fx.context(s)).front().accuracy > start);
}

TEST_CASE("an infeasible constraint is an error naming the smallest reachable value", "[evolution][errors]") {
  Fixture fx("ofa-mbv3-w1.2");
  SearchSettings s = small_settings();
  s.constraints = {20, 10};
  Evolution evo;
  // The smallest latency, found here without the code under test: the table's sum is separable
  // over blocks, so the minimum over each block's (ks, e), then over each stage's depth, then
  // over r, is exact. Only whole-architecture evaluations of the table are used.
  const LatencyTable& table = *fx.evaluator.lut();
  double smallest = std::numeric_limits<double>::infinity();
  for (int r : fx.space.resolutions) {
    ArchConfig a;
    a.r = r;
    for (int& d : a.d) d = kMaxDepth;  // every block counted while its (ks, e) is chosen
    for (int b = 0; b < kBlocks; ++b) {
      a.ks[b] = fx.space.kernel_choices(b / kMaxDepth).front();
      a.e[b] = fx.space.e_choices.front();
    }
    for (int b = 0; b < kBlocks; ++b) {
      ArchConfig best = a;
      for (int ks : fx.space.kernel_choices(b / kMaxDepth))
        for (int e : fx.space.e_choices) {
          ArchConfig t = a;
          t.ks[b] = ks;
          t.e[b] = e;
          if (table(t) < table(best)) best = t;
        }
      a = best;
    }
    for (int stage = 0; stage < kStages; ++stage) {
      ArchConfig best = a;
      for (int d : fx.space.d_choices) {
        ArchConfig t = a;
        t.d[stage] = d;
        if (table(t) < table(best)) best = t;
      }
      a = best;
    }
    smallest = std::min(smallest, table(a));
  }
  std::string message;
  try {
    evo.run(fx.context(s));
  } catch (const ofa::common::Error& e) {
    message = e.what();
  }
  CHECK_THAT(message, ofa::test::contains("constraint 10 ms cannot be met") && ofa::test::contains("smallest latency"));
  const std::size_t at = message.find("reaches is ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(message.substr(at + 11)) == Approx(smallest).epsilon(1e-5));  // printed to 6 digits
  s.constraints = {};
  CHECK_THROWS_WITH(evo.run(fx.context(s)), ofa::test::contains("needs at least one constraint"));
}

TEST_CASE("nsga2: a non-dominated front under the range limit, thread-count independent", "[nsga2]") {
  Fixture fx("ofa-mbv3-w1.2");
  SearchSettings s = small_settings();
  s.constraints = {18, 26};
  Nsga2 a;
  const auto front = a.run(fx.context(s));
  REQUIRE(front.size() >= 3);
  std::vector<ParetoPoint> p;
  for (const auto& c : front) {
    CHECK(c.efficiency <= 26);
    CHECK(fx.efficiency(c.arch) == c.efficiency);
    p.push_back({c.efficiency, c.accuracy});
  }
  for (bool on : pareto_mask(p)) CHECK(on);
  s.threads = 2;
  Nsga2 b;
  CHECK(same(front, b.run(fx.context(s))));
}

TEST_CASE("exhaustive on CompOFA equals a brute-force front", "[exhaustive]") {
  Fixture fx("compofa-mbv3-w1.2");
  CHECK(space_size(fx.space) == 1215);
  std::set<std::pair<double, float>> brute_front;
  std::vector<ArchConfig> all;
  for_each_arch(fx.space, [&all](const ArchConfig& a) { all.push_back(a); });
  REQUIRE(all.size() == 1215);
  std::set<std::size_t> hashes;
  for (const auto& a : all) {
    CHECK(validation_error(fx.space, a).empty());
    hashes.insert(a.hash());
  }
  CHECK(hashes.size() == 1215);  // all distinct
  std::vector<float> acc(all.size());
  fx.predictor.predict(all, acc, 1);
  for (std::size_t i = 0; i < all.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < all.size(); ++j)
      dominated |= dominates({fx.efficiency(all[j]), acc[j]}, {fx.efficiency(all[i]), acc[i]});
    if (!dominated) brute_front.insert({fx.efficiency(all[i]), acc[i]});
  }
  Exhaustive ex;
  const auto out = ex.run(fx.context(small_settings()));
  CHECK(out.size() == 1215);  // small spaces report every architecture
  std::vector<ParetoPoint> p;
  for (const auto& c : out) p.push_back({c.efficiency, c.accuracy});
  const auto mask = pareto_mask(p);
  std::set<std::pair<double, float>> front;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (mask[i]) front.insert({out[i].efficiency, out[i].accuracy});
  CHECK(front == brute_front);
  CHECK(space_size(search_space("compofa-mbv3-w1.2", true)) > Exhaustive::kSpaceLimit);
  Fixture big("ofa-mbv3-w1.2");
  CHECK_THROWS_WITH(Exhaustive().run(big.context(small_settings())), ofa::test::contains("use evolution or nsga2"));
}

TEST_CASE("the flops metric needs no LUT", "[evolution]") {
  Fixture fx("ofa-mbv3-w1.2", Metric::Flops);
  CHECK(fx.efficiency.unit() == std::string("MMACs"));
  SearchSettings s = small_settings();
  s.constraints = {300};
  Evolution evo;
  for (const auto& c : evo.run(fx.context(s))) {
    CHECK(c.efficiency <= 300);
    CHECK(c.efficiency == Approx(fx.evaluator.macs()(c.arch)));
  }
}

TEST_CASE("the score cache predicts each distinct architecture once and changes no score", "[cache]") {
  const AccuracyPredictor p = synthetic_predictor();
  const auto space = search_space("ofa-mbv3-w1.2");
  Rng rng(5);
  std::vector<ArchConfig> archs;
  for (int i = 0; i < 3000; ++i) archs.push_back(random_arch(space, rng));
  for (int i = 0; i < 1000; ++i) archs.push_back(archs[static_cast<std::size_t>(i * 3)]);  // repeats
  ScoreCache cache(p, 2);
  std::vector<float> cached(archs.size()), direct(archs.size());
  for (std::size_t off = 0; off < archs.size(); off += 100)
    cache.score(std::span(archs).subspan(off, 100), std::span(cached).subspan(off, 100));
  p.predict(archs, direct, 1);
  CHECK(cached == direct);
  CHECK(cache.evaluations() == 3000);
  CHECK(cache.lookups() == 4000);
}

TEST_CASE("ArchKey equality matches ArchConfig equality", "[arch]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  Rng rng(9);
  for (int i = 0; i < 2000; ++i) {
    const ArchConfig a = random_arch(space, rng);
    ArchConfig b = mutate(space, a, 0.05, rng);
    CHECK((arch_key(a) == arch_key(b)) == (a == b));
  }
}

TEST_CASE("a search reports its progress through its reporter, one whole over all constraints, and stops on its cancel flag", "[evolution][nsga2]") {
  Fixture fx("ofa-mbv3-w1.2");
  SearchSettings s = small_settings();
  s.constraints = {18, 22.5};
  std::vector<double> fractions;
  SearchContext ctx = fx.context(s);
  ctx.reporter = Reporter([&](std::string_view task, double f, std::string_view) {
    CHECK(task == "search");
    fractions.push_back(f);
  }, {});
  Evolution evolution;
  (void)evolution.run(ctx);
  // Two runs of 15 generations, reported every 10 and at the last: each run is half the task.
  REQUIRE(fractions.size() == 4);
  CHECK(fractions[0] == Approx(0.5 * 10 / 15));
  CHECK(fractions[1] == Approx(0.5));
  CHECK(fractions[2] == Approx(0.5 + 0.5 * 10 / 15));
  CHECK(fractions[3] == Approx(1.0));

  std::atomic<bool> stop{true};
  ctx.reporter = Reporter().with_cancel(CancelFlag(stop));
  for (Algorithm a : {Algorithm::Evolution, Algorithm::Nsga2}) {
    INFO(to_string(a));
    CHECK_THROWS_WITH(make_search_algorithm(a)->run(ctx), "interrupted");
  }
}
