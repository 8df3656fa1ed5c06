#include "ofa/search/evolution.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_set>

#include <omp.h>

#include "ofa/common/error.hpp"
#include "ofa/search/feasible_sampling.hpp"
#include "ofa/search/score_cache.hpp"

namespace ofa::search {

using namespace ofa::common;

int python_round(double x) { return static_cast<int>(std::nearbyint(x)); }

void check_feasible(const SearchContext& ctx, double constraint) {
  double smallest = std::numeric_limits<double>::infinity();
  for (int r : ctx.space.resolutions) smallest = std::min(smallest, ctx.efficiency.table().min_value_at(r));
  if (constraint < smallest) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "constraint %g %s cannot be met: the smallest %s any architecture of %s reaches is %.4f %s",
                  constraint, ctx.efficiency.unit(), to_string(ctx.efficiency.metric()).c_str(), ctx.space.name.c_str(),
                  smallest, ctx.efficiency.unit());
    throw Error(buf);
  }
}

namespace {

struct Member {
  ArchConfig arch;
  float accuracy = 0;
  double efficiency = 0;
};

// The best `count` distinct architectures of a population sorted best first. OFA keeps the
// top `count` members even when they are copies of one network, which collapses the
// parent pool; distinct parents keep the same budget exploring.
void keep_distinct_parents(std::vector<Member>& sorted, int count) {
  std::vector<ArchKey> seen;
  seen.reserve(count);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < sorted.size() && static_cast<int>(kept) < count; ++i) {
    const ArchKey k = arch_key(sorted[i].arch);
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) continue;
    seen.push_back(k);
    sorted[kept++] = sorted[i];
  }
  sorted.resize(kept);
}

}  // namespace

std::vector<Candidate> Evolution::run(const SearchContext& ctx) {
  if (ctx.settings.constraints.empty()) throw Error("evolution needs at least one constraint (profile search.constraints or --constraints)");
  for (double c : ctx.settings.constraints) check_feasible(ctx, c);
  std::vector<Candidate> out;
  const std::size_t runs = ctx.settings.constraints.size();
  for (std::size_t i = 0; i < runs; ++i) {
    SearchContext one = ctx;
    one.reporter = ctx.reporter.part(static_cast<double>(i) / runs, static_cast<double>(i + 1) / runs);
    auto part = run_one(one, ctx.settings.constraints[i], static_cast<int>(i));
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

namespace {

// The `keep` most accurate distinct architectures of a population sorted by accuracy.
std::vector<Candidate> best_distinct(const std::vector<Member>& population, int keep, double constraint) {
  std::vector<Candidate> best;
  std::unordered_set<ArchConfig, ArchConfigHash> seen;
  for (const auto& m : population) {
    if (static_cast<int>(best.size()) >= keep) break;
    if (!seen.insert(m.arch).second) continue;
    best.push_back({m.arch, m.accuracy, m.efficiency, constraint});
  }
  return best;
}

}  // namespace

std::vector<Candidate> Evolution::run_one(const SearchContext& ctx, double constraint, int run_index) {
  check_feasible(ctx, constraint);
  const auto& s = ctx.settings;
  const int P = s.population;
  const int parents_size = std::max(1, python_round(s.parent_ratio * P));
  const int mutation_count = std::min(P, python_round(s.mutation_ratio * P));
  const BlockwiseTable& table = ctx.efficiency.table();
  const int threads = worker_threads(ctx);
  ScoreCache cache(ctx.predictor, threads);

  std::vector<Member> population(P), children(P);
  std::vector<ArchConfig> archs(P);
  std::vector<float> scores(P);
  auto score = [&](std::vector<Member>& members) {
    for (int i = 0; i < P; ++i) archs[i] = members[i].arch;
    cache.score(archs, scores);
    for (int i = 0; i < P; ++i) members[i].accuracy = scores[i];
  };

#pragma omp parallel for num_threads(threads) schedule(static)
  for (int i = 0; i < P; ++i) {
    Rng rng(s.seed, stream_id(run_index, 0, i));
    population[i].arch = random_feasible(ctx.space, table, constraint, rng);
    population[i].efficiency = table(population[i].arch);
  }
  score(population);

  auto by_accuracy = [](const Member& a, const Member& b) { return a.accuracy > b.accuracy; };
  for (int g = 1; g <= s.generations; ++g) {
    ctx.reporter.cancel().check();
    std::stable_sort(population.begin(), population.end(), by_accuracy);
    keep_distinct_parents(population, parents_size);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int i = 0; i < P; ++i) {
      Rng rng(s.seed, stream_id(run_index, g, i));
      if (i < mutation_count) {
        const Member& parent = population[rng.uniform_int(static_cast<int>(population.size()))];
        children[i].arch = mutate_feasible(ctx.space, table, constraint, parent.arch, s.mutate_prob, rng);
      } else {
        const Member& a = population[rng.uniform_int(static_cast<int>(population.size()))];
        const Member& b = population[rng.uniform_int(static_cast<int>(population.size()))];
        children[i].arch = crossover_feasible(ctx.space, table, constraint, a.arch, b.arch, rng);
      }
      children[i].efficiency = table(children[i].arch);
    }
    score(children);
    population.insert(population.end(), children.begin(), children.end());
    if (g % 10 == 0 || g == s.generations) {
      char label[64];
      std::snprintf(label, sizeof label, "%g %s", constraint, ctx.efficiency.unit());
      ctx.reporter.progress("search", static_cast<double>(g) / s.generations, label);
    }
  }
  std::stable_sort(population.begin(), population.end(), by_accuracy);
  std::vector<Candidate> best = best_distinct(population, ctx.keep, constraint);
  stats_.predictor_evaluations += cache.evaluations();
  stats_.score_lookups += cache.lookups();
  return best;
}

}  // namespace ofa::search
