#include "ofa/search/exhaustive.hpp"

#include <climits>
#include <cmath>

#include <omp.h>

#include "ofa/common/error.hpp"
#include "ofa/search/pareto.hpp"

namespace ofa::search {

using namespace ofa::common;

namespace {

// The distinct settings of one stage: its depth and the (ks, e) of its active blocks.
struct StageOption {
  int d;
  std::array<int, kMaxDepth> ks{}, e{};
};

std::vector<StageOption> stage_options(const SearchSpace& space, int stage) {
  std::vector<StageOption> out;
  const auto kernels = space.kernel_choices(stage);
  for (int d : space.d_choices) {
    const std::vector<int> es = space.compound ? std::vector<int>{space.compound_e_for_depth[d]} : space.e_choices;
    const int per_block = static_cast<int>(kernels.size() * es.size());
    long combos = 1;
    for (int j = 0; j < d; ++j) combos *= per_block;
    for (long c = 0; c < combos; ++c) {
      StageOption o;
      o.d = d;
      long rest = c;
      for (int j = 0; j < d; ++j) {
        const int choice = static_cast<int>(rest % per_block);
        rest /= per_block;
        o.ks[j] = kernels[choice / es.size()];
        o.e[j] = es[choice % es.size()];
      }
      out.push_back(o);
    }
  }
  return out;
}

double stage_option_count(const SearchSpace& space, int stage) {
  const double per_block = double(space.kernel_choices(stage).size()) * (space.compound ? 1.0 : double(space.e_choices.size()));
  double n = 0;
  for (int d : space.d_choices) n += std::pow(per_block, d);
  return n;
}

}  // namespace

long space_size(const SearchSpace& space) {
  double n = static_cast<double>(space.resolutions.size());
  for (int s = 0; s < kStages; ++s) n *= stage_option_count(space, s);
  return n >= static_cast<double>(LONG_MAX) ? LONG_MAX : static_cast<long>(n);
}

void for_each_arch(const SearchSpace& space, const std::function<void(const ArchConfig&)>& fn) {
  std::array<std::vector<StageOption>, kStages> options;
  for (int s = 0; s < kStages; ++s) options[s] = stage_options(space, s);
  std::array<std::size_t, kStages> idx{};
  for (int r : space.resolutions) {
    idx.fill(0);
    while (true) {
      ArchConfig a;
      a.r = r;
      for (int s = 0; s < kStages; ++s) {
        const StageOption& o = options[s][idx[s]];
        a.d[s] = o.d;
        for (int j = 0; j < kMaxDepth; ++j) {
          a.ks[s * kMaxDepth + j] = j < o.d ? o.ks[j] : 0;
          a.e[s * kMaxDepth + j] = j < o.d ? o.e[j] : 0;
        }
      }
      fn(a);
      int s = kStages - 1;
      while (s >= 0 && ++idx[s] == options[s].size()) idx[s--] = 0;
      if (s < 0) break;
    }
  }
}

std::vector<Candidate> Exhaustive::run(const SearchContext& ctx) {
  const long n = space_size(ctx.space);
  if (n > kSpaceLimit)
    throw Error("exhaustive search of " + ctx.space.name + " would score " + (n == LONG_MAX ? std::string("over 9e18") : std::to_string(n)) +
                " architectures (limit " + std::to_string(kSpaceLimit) + "); use evolution or nsga2");
  std::vector<ArchConfig> archs;
  archs.reserve(static_cast<std::size_t>(n));
  for_each_arch(ctx.space, [&archs](const ArchConfig& a) { archs.push_back(a); });
  ctx.reporter.cancel().check();
  const int threads = worker_threads(ctx);
  std::vector<float> acc(archs.size());
  ctx.predictor.predict(archs, acc, threads);
  std::vector<ParetoPoint> points(archs.size());
  for (std::size_t i = 0; i < archs.size(); ++i) points[i] = {ctx.efficiency(archs[i]), acc[i]};
  const std::vector<bool> front = pareto_mask(points);
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    if (static_cast<long>(archs.size()) <= kAllCandidatesLimit || front[i])
      out.push_back({archs[i], acc[i], points[i].efficiency});
  }
  stats_.predictor_evaluations += static_cast<long>(archs.size());
  stats_.score_lookups += static_cast<long>(archs.size());
  ctx.reporter.progress("search", 1.0, std::to_string(archs.size()) + " architectures");
  return out;
}

}  // namespace ofa::search
