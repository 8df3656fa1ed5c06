#include "ofa/search/nsga2.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <numeric>

#include <omp.h>

#include "ofa/common/error.hpp"
#include "ofa/search/evolution.hpp"
#include "ofa/search/feasible_sampling.hpp"
#include "ofa/search/pareto.hpp"
#include "ofa/search/sampling.hpp"
#include "ofa/search/score_cache.hpp"

namespace ofa::search {

using namespace ofa::common;

void rank_and_crowd(std::span<const ParetoPoint> p, std::vector<int>& rank, std::vector<double>& crowding) {
  const std::size_t n = p.size();
  rank.assign(n, -1);
  crowding.assign(n, 0.0);
  // Two objectives: after sorting by (efficiency asc, accuracy desc), a point's rank is one
  // more than the highest rank among earlier points that dominate it.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&p](std::size_t a, std::size_t b) {
    if (p[a].efficiency != p[b].efficiency) return p[a].efficiency < p[b].efficiency;
    if (p[a].accuracy != p[b].accuracy) return p[a].accuracy > p[b].accuracy;
    return a < b;
  });
  // best_acc[k]: the best accuracy among processed points of rank k (non-increasing in k
  // is not guaranteed, so scan ranks in order; fronts are few).
  std::vector<double> best_acc;
  std::vector<double> best_eff;
  for (std::size_t idx : order) {
    int k = 0;
    while (k < static_cast<int>(best_acc.size()) &&
           dominates(ParetoPoint{best_eff[k], best_acc[k]}, p[idx]))
      ++k;
    if (k == static_cast<int>(best_acc.size())) {
      best_acc.push_back(p[idx].accuracy);
      best_eff.push_back(p[idx].efficiency);
    } else if (p[idx].accuracy > best_acc[k]) {
      best_acc[k] = p[idx].accuracy;
      best_eff[k] = p[idx].efficiency;
    }
    rank[idx] = k;
  }
  const int fronts = static_cast<int>(best_acc.size());
  std::vector<std::vector<std::size_t>> members(fronts);
  for (std::size_t idx : order) members[rank[idx]].push_back(idx);  // already by efficiency
  for (auto& f : members) {
    if (f.size() <= 2) {
      for (std::size_t i : f) crowding[i] = std::numeric_limits<double>::infinity();
      continue;
    }
    const double eff_range = p[f.back()].efficiency - p[f.front()].efficiency;
    double acc_lo = std::numeric_limits<double>::infinity(), acc_hi = -acc_lo;
    for (std::size_t i : f) {
      acc_lo = std::min(acc_lo, p[i].accuracy);
      acc_hi = std::max(acc_hi, p[i].accuracy);
    }
    const double acc_range = acc_hi - acc_lo;
    crowding[f.front()] = crowding[f.back()] = std::numeric_limits<double>::infinity();
    for (std::size_t j = 1; j + 1 < f.size(); ++j) {
      double d = 0;
      if (eff_range > 0) d += (p[f[j + 1]].efficiency - p[f[j - 1]].efficiency) / eff_range;
      if (acc_range > 0) d += std::abs(p[f[j - 1]].accuracy - p[f[j + 1]].accuracy) / acc_range;
      crowding[f[j]] = d;
    }
  }
}

namespace {

struct Member {
  ArchConfig arch;
  float accuracy = 0;
  double efficiency = 0;
};

constexpr std::uint64_t kRunIndex = 1u << 19;  // streams apart from evolution's runs

// a then b, each architecture once (first occurrence kept, order otherwise unchanged).
std::vector<Member> distinct(const std::vector<Member>& a, const std::vector<Member>& b) {
  std::vector<std::pair<ArchKey, std::size_t>> keyed;
  keyed.reserve(a.size() + b.size());
  for (const auto& m : a) keyed.emplace_back(arch_key(m.arch), keyed.size());
  for (const auto& m : b) keyed.emplace_back(arch_key(m.arch), keyed.size());
  std::sort(keyed.begin(), keyed.end());
  std::vector<bool> keep(keyed.size(), false);
  for (std::size_t i = 0; i < keyed.size(); ++i)
    if (i == 0 || !(keyed[i].first == keyed[i - 1].first)) keep[keyed[i].second] = true;
  std::vector<Member> out;
  out.reserve(keyed.size());
  for (std::size_t i = 0; i < keyed.size(); ++i)
    if (keep[i]) out.push_back(i < a.size() ? a[i] : b[i - a.size()]);
  return out;
}

// A different value for one active gene (the resolution, a stage depth, or a block's kernel
// and expand ratio together): the smallest step the search space has.
ArchConfig one_gene_neighbor(const SearchSpace& space, const ArchConfig& a, Rng& rng) {
  ArchConfig n = a;
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int active = [&] {
      int c = 0;
      for (int b = 0; b < kBlocks; ++b) c += a.active(b);
      return c;
    }();
    const int gene = rng.uniform_int(1 + kStages + active);
    if (gene == 0) {
      n.r = space.resolutions[static_cast<std::size_t>(rng.uniform_int(static_cast<int>(space.resolutions.size())))];
    } else if (gene <= kStages) {
      n.d[gene - 1] = space.d_choices[static_cast<std::size_t>(rng.uniform_int(static_cast<int>(space.d_choices.size())))];
    } else {
      int k = gene - 1 - kStages;
      int b = 0;
      for (; b < kBlocks; ++b)
        if (a.active(b) && k-- == 0) break;
      const auto kernels = space.kernel_choices(b / kMaxDepth);
      n.ks[b] = kernels[static_cast<std::size_t>(rng.uniform_int(static_cast<int>(kernels.size())))];
      n.e[b] = space.e_choices[static_cast<std::size_t>(rng.uniform_int(static_cast<int>(space.e_choices.size())))];
    }
    apply_space_rules(space, n);
    if (!(n == a)) return n;
    n = a;
  }
  return n;
}

constexpr int kRefineRounds = 3;
constexpr int kRefineNeighbors = 24;
constexpr int kRefineSpan = 8;

// After the generations: a few rounds of single-gene neighbours around every point of the
// archive's front, all within the limit. The front's thin ends (near the smallest latency)
// gain most; every neighbour goes through the cache, so it joins the archive.
void refine_front(const SearchContext& ctx, const BlockwiseTable& table, double limit, ScoreCache& cache,
                  std::vector<ParetoPoint>& points) {
  const int threads = worker_threads(ctx);
  std::vector<ArchConfig> front, batch;
  std::vector<float> scores;
  for (int round = 0; round < kRefineRounds; ++round) {
    ctx.reporter.cancel().check();
    const auto& archive = cache.entries();
    points.resize(archive.size());
    for (std::size_t i = 0; i < archive.size(); ++i) points[i] = {table(archive[i].arch), archive[i].accuracy};
    const std::vector<bool> mask = pareto_mask(points);
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < archive.size(); ++i)
      if (mask[i]) order.push_back(i);
    std::sort(order.begin(), order.end(), [&points](std::size_t a, std::size_t b) { return points[a].efficiency < points[b].efficiency; });
    front.clear();
    for (std::size_t i : order) front.push_back(archive[i].arch);
    batch.assign(front.size() * kRefineNeighbors, ArchConfig{});
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int f = 0; f < static_cast<int>(front.size()); ++f) {
      for (int j = 0; j < kRefineNeighbors; ++j) {
        Rng rng(ctx.settings.seed, stream_id(kRunIndex + 2 + round, static_cast<std::uint64_t>(f), j));
        // Half single-gene steps, half crossovers with a front point of similar efficiency
        // (the front is in efficiency order), which can carry good blocks across resolutions.
        ArchConfig n = front[f];
        const bool cross = j % 2 == 1 && front.size() > 1;
        const int lo = std::max(0, f - kRefineSpan), hi = std::min(static_cast<int>(front.size()) - 1, f + kRefineSpan);
        for (int t = 0; t < 64; ++t) {
          n = cross ? crossover(ctx.space, front[f], front[static_cast<std::size_t>(lo + rng.uniform_int(hi - lo + 1))], rng)
                    : one_gene_neighbor(ctx.space, front[f], rng);
          if (table(n) <= limit) break;
          n = front[f];
        }
        batch[static_cast<std::size_t>(f) * kRefineNeighbors + j] = n;
      }
    }
    scores.resize(batch.size());
    cache.score(batch, scores);
  }
}

// The population's state between generations: members with their rank and crowding.
struct Generation {
  std::vector<Member> members;
  std::vector<int> rank;
  std::vector<double> crowding;
};

// What a generation's steps share: the run's context, the table, the limit and the cache.
struct Nsga2Run {
  const SearchContext& ctx;
  const BlockwiseTable& table;
  double limit;
  int threads;
  ScoreCache& cache;

  void score(std::vector<Member>& members) const {
    std::vector<ArchConfig> archs(members.size());
    std::vector<float> scores(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) archs[i] = members[i].arch;
    cache.score(archs, scores);
    for (std::size_t i = 0; i < members.size(); ++i) members[i].accuracy = scores[i];
  }
  void rank(Generation& gen) const {
    std::vector<ParetoPoint> points(gen.members.size());
    for (std::size_t i = 0; i < gen.members.size(); ++i) points[i] = {gen.members[i].efficiency, gen.members[i].accuracy};
    rank_and_crowd(points, gen.rank, gen.crowding);
  }
  Member random_member(std::uint64_t stream, int g, int i) const {
    Rng rng(ctx.settings.seed, stream_id(stream, static_cast<std::uint64_t>(g), static_cast<std::uint64_t>(i)));
    Member m;
    m.arch = random_feasible(ctx.space, table, limit, rng);
    m.efficiency = table(m.arch);
    return m;
  }
};

// Generation g's children, by binary tournament on (rank, crowding): OFA's operators as
// evolution uses them, a share of children by mutation, the rest by crossover, each made to
// fit the limit and to differ from its parents.
std::vector<Member> offspring(const Nsga2Run& run, const Generation& parents, int g, int mutation_count) {
  const auto& s = run.ctx.settings;
  const int N = s.population;
  auto tournament = [&](Rng& rng) -> const Member& {
    const int a = rng.uniform_int(N), b = rng.uniform_int(N);
    if (parents.rank[a] != parents.rank[b]) return parents.members[parents.rank[a] < parents.rank[b] ? a : b];
    return parents.members[parents.crowding[a] >= parents.crowding[b] ? a : b];
  };
  std::vector<Member> children(N);
#pragma omp parallel for num_threads(run.threads) schedule(static)
  for (int i = 0; i < N; ++i) {
    Rng rng(s.seed, stream_id(kRunIndex, g, i));
    ArchConfig child;
    if (i < mutation_count) {
      child = mutate_feasible(run.ctx.space, run.table, run.limit, tournament(rng).arch, s.mutate_prob, rng);
    } else {
      const Member& a = tournament(rng);
      const Member& b = tournament(rng);
      child = crossover_feasible(run.ctx.space, run.table, run.limit, a.arch, b.arch, rng);
    }
    children[i].arch = child;
    children[i].efficiency = run.table(child);
  }
  run.score(children);
  return children;
}

// Elitist survival over parents + offspring, duplicates removed so the front stays diverse;
// too few distinct architectures are made up with fresh random ones.
Generation survivors(const Nsga2Run& run, const Generation& parents, const std::vector<Member>& children, int g) {
  const int N = run.ctx.settings.population;
  Generation combined{distinct(parents.members, children), {}, {}};
  run.rank(combined);
  std::vector<std::size_t> order(combined.members.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    if (combined.rank[x] != combined.rank[y]) return combined.rank[x] < combined.rank[y];
    return combined.crowding[x] > combined.crowding[y];
  });
  Generation next;
  next.members.reserve(N);
  for (std::size_t i = 0; i < order.size() && static_cast<int>(next.members.size()) < N; ++i) next.members.push_back(combined.members[order[i]]);
  for (int i = static_cast<int>(next.members.size()); i < N; ++i) next.members.push_back(run.random_member(kRunIndex + 1, g, i));
  if (static_cast<int>(next.members.size()) > N) next.members.resize(N);
  run.score(next.members);  // refills only: the rest hit the cache
  run.rank(next);
  return next;
}

// The archive (everything scored, in the cache) reduced to its non-dominated set, by efficiency.
std::vector<Candidate> archive_front(const ScoreCache& cache, const BlockwiseTable& table) {
  const auto& archive = cache.entries();
  std::vector<ParetoPoint> points(archive.size());
  for (std::size_t i = 0; i < archive.size(); ++i) points[i] = {table(archive[i].arch), archive[i].accuracy};
  const std::vector<bool> front = pareto_mask(points);
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < archive.size(); ++i)
    if (front[i]) out.push_back({archive[i].arch, archive[i].accuracy, points[i].efficiency});
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.efficiency != b.efficiency ? a.efficiency < b.efficiency : a.accuracy > b.accuracy;
  });
  return out;
}

}  // namespace

std::vector<Candidate> Nsga2::run(const SearchContext& ctx) {
  const auto& s = ctx.settings;
  const int N = s.population;
  const int mutation_count = std::min(N, python_round(s.mutation_ratio * N));
  const BlockwiseTable& table = ctx.efficiency.table();
  double limit = table.max_value();
  if (!s.constraints.empty()) {
    limit = *std::max_element(s.constraints.begin(), s.constraints.end());
    check_feasible(ctx, limit);
  }
  const int threads = worker_threads(ctx);
  ScoreCache cache(ctx.predictor, threads);
  const Nsga2Run run{ctx, table, limit, threads, cache};
  Generation population;
  population.members.resize(N);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int i = 0; i < N; ++i) population.members[i] = run.random_member(kRunIndex, 0, i);
  run.score(population.members);
  run.rank(population);
  for (int g = 1; g <= s.generations; ++g) {
    ctx.reporter.cancel().check();
    population = survivors(run, population, offspring(run, population, g, mutation_count), g);
    if (g % 10 == 0 || g == s.generations) ctx.reporter.progress("search", static_cast<double>(g) / s.generations, "generation " + std::to_string(g));
  }
  std::vector<ParetoPoint> points;  // refine_front's scratch
  refine_front(ctx, table, limit, cache, points);
  std::vector<Candidate> out = archive_front(cache, table);
  stats_.predictor_evaluations += cache.evaluations();
  stats_.score_lookups += cache.lookups();
  return out;
}

}  // namespace ofa::search
