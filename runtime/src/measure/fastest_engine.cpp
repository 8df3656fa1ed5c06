#include "ofa/runtime/measure/fastest_engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "ofa/common/error.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/measure/network_rounds.hpp"
#include "ofa/search/sampling.hpp"

namespace ofa::runtime {

using common::Error;

std::size_t fastest_engine(const std::vector<double>& medians_ms) {
  if (medians_ms.empty()) throw Error("fastest_engine: no engine was timed");
  std::size_t best = 0;
  for (std::size_t i = 1; i < medians_ms.size(); ++i)
    if (medians_ms[i] < medians_ms[best]) best = i;
  return best;
}

namespace {

void check_shape(const RoundsResult& result, const std::vector<EngineKind>& engines) {
  if (engines.empty()) throw Error("engine selection: no engines");
  if (result.stats.size() % engines.size() != 0 || result.round_medians.size() != result.stats.size())
    throw Error("engine selection: " + std::to_string(result.stats.size()) + " timed items are not networks x " + std::to_string(engines.size()) +
                " engines");
}

}  // namespace

std::vector<EngineTiming> keep_fastest(const RoundsResult& result, const std::vector<EngineKind>& engines) {
  check_shape(result, engines);
  const std::size_t e = engines.size();
  std::vector<EngineTiming> out;
  for (std::size_t n = 0; n < result.stats.size() / e; ++n) {
    EngineTiming t;
    for (std::size_t k = 0; k < e; ++k) t.medians_ms.push_back(result.stats[n * e + k].median_ms);
    const std::size_t best = fastest_engine(t.medians_ms);
    t.engine = engines[best];
    t.stats = result.stats[n * e + best];
    t.round_medians = result.round_medians[n * e + best];
    out.push_back(std::move(t));
  }
  return out;
}

std::string describe_engine_choices(const std::vector<EngineTiming>& timings, const std::vector<EngineKind>& engines) {
  if (engines.size() < 2) return "";
  // Per engine kept: how many networks, and the range of its median over the runner-up's.
  struct Range {
    int count = 0;
    double lo = 1e300, hi = 0;
    EngineKind runner_up = EngineKind::Optimized;
  };
  std::map<int, Range> kept;
  for (const EngineTiming& t : timings) {
    std::size_t best = 0, second = 0;
    for (std::size_t k = 0; k < engines.size(); ++k)
      if (engines[k] == t.engine) best = k;
    double second_ms = 1e300;
    for (std::size_t k = 0; k < engines.size(); ++k)
      if (k != best && t.medians_ms[k] < second_ms) second_ms = t.medians_ms[k], second = k;
    Range& r = kept[static_cast<int>(t.engine)];
    ++r.count;
    const double ratio = t.medians_ms[best] / second_ms;
    r.lo = std::min(r.lo, ratio);
    r.hi = std::max(r.hi, ratio);
    r.runner_up = engines[second];
  }
  std::string s = "engines:";
  for (const auto& [kind, r] : kept) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s %s x%d (%.2f-%.2f of %s)", s.size() > 8 ? "," : "", engine_name(static_cast<EngineKind>(kind)), r.count,
                  r.lo, r.hi, engine_name(r.runner_up));
    s += buf;
  }
  return s;
}

TableEngine table_engine(const RoundsResult& result, const std::vector<EngineKind>& engines) {
  check_shape(result, engines);
  const std::size_t e = engines.size();
  const std::size_t networks = result.stats.size() / e;
  if (networks == 0) throw Error("engine selection: no networks timed");
  TableEngine t;
  for (std::size_t k = 0; k < e; ++k) {
    double log_sum = 0;
    for (std::size_t n = 0; n < networks; ++n) log_sum += std::log(result.stats[n * e + k].median_ms);
    t.geomean_ms.push_back(std::exp(log_sum / static_cast<double>(networks)));
  }
  t.engine = engines[fastest_engine(t.geomean_ms)];
  return t;
}

TableEngine probe_table_engine(const common::SearchSpace& space, const std::vector<int>& resolutions, const std::vector<EngineKind>& engines,
                               OrtProvider provider, const torch::Device& device, int networks, const RoundsOptions& rounds) {
  if (engines.size() == 1) return {engines.front(), {}};
  if (resolutions.empty() || networks < 1) throw Error("engine selection: no networks to probe");
  search::Rng rng(rounds.seed);
  std::vector<TimedNetwork> timed;
  for (int n = 0; n < networks; ++n) {
    common::ArchConfig arch = search::random_arch(space, rng);
    arch.r = resolutions[static_cast<std::size_t>(n) % resolutions.size()];
    Subnet net = Subnet::random(space, arch, rounds.seed + static_cast<std::uint64_t>(n));
    net.to(device);
    const torch::Tensor input = torch::randn({1, 3, arch.r, arch.r}).to(device);
    for (EngineKind k : engines) timed.push_back({Engine(net, k, nullptr, provider), input});
  }
  return table_engine(time_networks(timed, device, rounds), engines);
}

std::string describe_table_engine(const TableEngine& choice, const std::vector<EngineKind>& engines, int networks) {
  std::string s = std::string("auto chose ") + engine_name(choice.engine);
  if (choice.geomean_ms.empty()) return s + " (the only engine of this build)";
  s += " (" + std::to_string(networks) + " whole networks timed, geometric mean:";
  for (std::size_t k = 0; k < engines.size(); ++k) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s %s %.3f ms", k ? "," : "", engine_name(engines[k]), choice.geomean_ms[k]);
    s += buf;
  }
  return s + ")";
}

}  // namespace ofa::runtime
