#include "runtime/commands/latency_model_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/fit_statistics.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/model_networks_file.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/common/staging_folder.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/measure/fastest_engine.hpp"
#include "ofa/runtime/measure/interleaved_rounds.hpp"
#include "ofa/runtime/measure/network_rounds.hpp"
#include "ofa/runtime/measure/device_options.hpp"
#include "ofa/common/machine_description.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/search/latency_model.hpp"
#include "ofa/search/latency_model_report.hpp"
#include "ofa/search/library_builder.hpp"
#include "ofa/search/random.hpp"
#include "ofa/search/sampling.hpp"

namespace ofa::runtime {

using common::Error;
namespace fs = std::filesystem;

namespace {

// The prior: the per-layer table, read whole (every key the space can have at these
// resolutions must be there); empty without --lut (MACs at a rate fitted later).
search::LatencyTables read_prior(const std::optional<fs::path>& lut, const std::vector<int>& resolutions) {
  search::LatencyTables table;
  if (!lut) return table;
  for (int r : resolutions) {
    const auto file = common::find_lut_file(*lut, r);
    if (!file) throw Error(lut->string() + ": no " + std::to_string(r) + "_lookup_table.json (or .yaml)");
    table[r] = common::read_lut_file(*file);
  }
  return table;
}

// `count` networks spread over the latency range `prior` predicts: 20 random candidates per
// network wanted, each predicted once and sorted, and spread_levels' picks (the extremes included).
std::vector<common::ArchConfig> spread_networks(const common::SearchSpace& space, const std::vector<int>& resolutions,
                                                const search::LatencyTables& prior, int count, std::uint64_t seed) {
  search::Rng rng(seed);
  std::vector<common::ArchConfig> pool;
  for (int i = 0; i < 20 * count; ++i) {
    common::ArchConfig a = search::random_arch(space, rng);
    a.r = resolutions[static_cast<std::size_t>(rng.uniform_int(static_cast<int>(resolutions.size())))];
    pool.push_back(a);
  }
  std::vector<std::pair<double, std::size_t>> ranked;
  for (std::size_t i = 0; i < pool.size(); ++i) ranked.emplace_back(search::predict_latency(prior, space, pool[i]), i);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<double> cost;
  for (const auto& [c, i] : ranked) cost.push_back(c);
  std::vector<common::ArchConfig> archs;
  for (std::size_t k : search::spread_levels(cost, static_cast<std::size_t>(count))) archs.push_back(pool[ranked[k].second]);
  return archs;
}

// The rounds the measurement gets: as asked, or cut to fit what is left of --budget-minutes
// (fewer calls per round first, then fewer rounds, never under 2), judged from one probe call
// of every network (`probe_ms` in all).
RoundsOptions fit_budget(const LatencyModelOptions& o, double probe_ms, double elapsed_ms) {
  RoundsOptions rounds;
  rounds.rounds = o.rounds;
  rounds.calls = o.device.repeats;
  rounds.warmup = o.device.warmup;
  rounds.seed = o.seed;
  if (!o.budget_minutes) return rounds;
  const double affordable = (*o.budget_minutes * 60e3 - elapsed_ms) / probe_ms;  // calls per network in all
  if (affordable < 2.0 + rounds.warmup)
    throw Error("--budget-minutes " + common::format_g(*o.budget_minutes, 3) + " is too small to measure " + std::to_string(o.networks) +
                " networks twice here (one call of each takes " + common::format_g(probe_ms / 1e3, 3) + " s; at least " +
                common::format_g((2.0 + rounds.warmup) * probe_ms / 60e3 + 0.05, 2) + " minutes needed)");
  while (rounds.rounds * rounds.calls + rounds.warmup > affordable && rounds.calls > 1) --rounds.calls;
  while (rounds.rounds * rounds.calls + rounds.warmup > affordable && rounds.rounds > 2) --rounds.rounds;
  return rounds;
}

std::string summary_line(const search::ModelQualityReport& q, const fs::path& out) {
  char line[512];
  std::snprintf(line, sizeof line,
                "latency-model: %d networks fitted, %d held out (%d rounds x %d calls): model Spearman %.3f, MAPE %.1f %%, %.0f %% within +-10 %%; "
                "table %.3f / %.1f %% / %.0f %%; calibrated %.3f / %.1f %%; retest floor %s; written to %s",
                q.fitted, q.heldout, q.rounds, q.calls, q.model.spearman, q.model.mape, 100 * q.model.within_10pct, q.table.spearman, q.table.mape,
                100 * q.table.within_10pct, q.calibrated.spearman, q.calibrated.mape,
                q.retest_mape ? (common::format_g(*q.retest_spearman, 3) + " / " + common::format_g(*q.retest_mape, 3) + " %").c_str() : "n/a",
                out.string().c_str());
  return line;
}

void check_latency_model_options(const LatencyModelOptions& o, const common::SearchSpace& space) {
  check_device_options(o.device);
  if (o.networks < 6) throw Error("--networks " + std::to_string(o.networks) + " must be at least 6 (4 to fit, 2 held out)");
  if (o.rounds < 2) throw Error("--rounds " + std::to_string(o.rounds) + " must be at least 2 (the retest floor compares halves)");
  if (o.budget_minutes && !(*o.budget_minutes > 0)) throw Error("--budget-minutes must be positive");
  if (!(o.regularization > 0)) throw Error("--regularization must be positive");
  if (o.resolutions.empty()) throw Error("--resolutions: none given");
  for (int r : o.resolutions)
    if (std::find(space.resolutions.begin(), space.resolutions.end(), r) == space.resolutions.end())
      throw Error("--resolutions: " + std::to_string(r) + " is not a resolution of " + space.name);
  const int fit_count = o.networks - o.networks / 3;
  if (fit_count < static_cast<int>(o.resolutions.size()) + 2)
    throw Error("--networks " + std::to_string(o.networks) + " is too few for " + std::to_string(o.resolutions.size()) + " resolutions: " +
                std::to_string(fit_count) + " would be fitted, the model needs at least " + std::to_string(o.resolutions.size() + 2) +
                " (two thirds of --networks are fitted)");
}

// A model is fitted on one engine: auto picks it from a few whole networks, timed first.
EngineKind model_engine(const LatencyModelOptions& o, const common::SearchSpace& space, const torch::Device& device, OrtProvider provider,
                        const common::Reporter& reporter) {
  const EngineChoice choice = engine_choice(o.device);
  if (!choice.automatic) return choice.kind;
  const TableEngine t = probe_table_engine(space, o.resolutions, choice.engines(), provider, device, kTableProbeNetworks,
                                           RoundsOptions{5, 3, 2, o.seed, reporter.cancel(), {}});
  if (!t.geomean_ms.empty()) reporter.note("latency-model: " + describe_table_engine(t, choice.engines(), kTableProbeNetworks));
  return t.engine;
}

std::vector<TimedNetwork> build_networks(const LatencyModelOptions& o, const common::SearchSpace& space, const std::vector<common::ArchConfig>& archs,
                                         const torch::Device& device, EngineKind kind, OrtProvider provider, const common::Reporter& reporter) {
  std::vector<TimedNetwork> networks;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    reporter.cancel().check();
    Subnet net = Subnet::random(space, archs[i], o.seed + i);
    net.to(device);
    networks.push_back({Engine(net, kind, nullptr, provider), torch::randn({1, 3, archs[i].r, archs[i].r}).to(device)});
    reporter.progress("latency-model", 0.1 * static_cast<double>(i + 1) / static_cast<double>(archs.size()), "building " + std::to_string(i + 1) + " networks");
  }
  return networks;
}

// The networks measured, cut into those fitted and those held out (every third by predicted
// latency, so both span the range).
struct Split {
  std::vector<common::ArchConfig> fit_archs, test_archs;
  std::vector<double> fit_y, test_y;
  std::vector<std::vector<double>> test_rounds;
};

Split split_networks(const std::vector<common::ArchConfig>& archs, const std::vector<char>& held, const RoundsResult& measured) {
  Split s;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    (held[i] ? s.test_archs : s.fit_archs).push_back(archs[i]);
    (held[i] ? s.test_y : s.fit_y).push_back(measured.stats[i].median_ms);
    if (held[i]) s.test_rounds.push_back(measured.round_medians[i]);
  }
  return s;
}

// Without --lut: MACs at the fitted networks' median rate.
search::LatencyTables macs_at_fitted_rate(const common::SearchSpace& space, const std::vector<int>& resolutions, const Split& s) {
  const search::LatencyTables macs = search::macs_prior(space, resolutions, 1e-6);
  std::vector<double> rate;
  for (std::size_t i = 0; i < s.fit_archs.size(); ++i) rate.push_back(s.fit_y[i] / search::predict_latency(macs, space, s.fit_archs[i]));
  std::sort(rate.begin(), rate.end());
  return search::macs_prior(space, resolutions, 1e-6 * common::percentile_sorted(rate, 0.5));
}

// The held-out networks as the model, the table and the table's linear calibration predict them.
struct HeldOutPredictions {
  std::vector<double> model, table, calibrated;
};

HeldOutPredictions predict_held_out(const common::SearchSpace& space, const search::LatencyFit& fit, const search::LatencyTables& table,
                                    const Split& s) {
  HeldOutPredictions p;
  for (const auto& a : s.test_archs) {
    p.model.push_back(search::predict_latency(fit.tables, space, a));
    p.table.push_back(search::predict_latency(table, space, a));
  }
  std::vector<double> fit_table;
  for (const auto& a : s.fit_archs) fit_table.push_back(search::predict_latency(table, space, a));
  const common::LinearFit line = common::fit_line(fit_table, s.fit_y);
  for (double t : p.table) p.calibrated.push_back(line.a * t + line.b);
  return p;
}

search::ModelQualityReport quality_report(const Split& s, const HeldOutPredictions& p, const search::LatencyFit& fit) {
  search::ModelQualityReport q;
  q.heldout = static_cast<int>(s.test_archs.size());
  q.fitted = static_cast<int>(s.fit_archs.size());
  q.model = search::prediction_quality(p.model, s.test_y);
  q.table = search::prediction_quality(p.table, s.test_y);
  q.calibrated = search::prediction_quality(p.calibrated, s.test_y);
  if (const auto noise = half_split_noise(s.test_rounds)) {
    q.retest_spearman = noise->spearman;
    q.retest_mape = noise->mape;
  }
  q.keys = fit.keys;
  q.clamped = fit.clamped;
  return q;
}

}  // namespace

std::string run_latency_model(const LatencyModelOptions& o, const common::Reporter& reporter) {
  const auto started = std::chrono::steady_clock::now();
  const common::SearchSpace space = common::search_space(o.space);
  check_latency_model_options(o, space);
  search::LatencyTables table = read_prior(o.lut, o.resolutions);
  common::StagingFolder staging(o.out, o.force);  // refuses an occupied --out before any measuring
  const torch::Device device = parse_device(o.device.device);
  if (!o.pin_cpus.empty()) pin_to_cpus(o.pin_cpus);
  const int threads = apply_threads(o.device.threads);
  apply_tf32(o.device.allow_tf32);
  const OrtProvider provider = parse_ort_provider(o.device.ort_provider);
  const EngineKind kind = model_engine(o, space, device, provider, reporter);
  const search::LatencyTables macs = search::macs_prior(space, o.resolutions, 1e-6);
  const std::vector<common::ArchConfig> archs = spread_networks(space, o.resolutions, o.lut ? table : macs, o.networks, o.seed);
  std::vector<char> held(archs.size(), 0);
  for (std::size_t i = 0; i < archs.size(); ++i) held[i] = i % 3 == 1;
  const std::vector<TimedNetwork> networks = build_networks(o, space, archs, device, kind, provider, reporter);
  torch::NoGradGuard no_grad;
  double probe_ms = 0;
  for (const TimedNetwork& n : networks) probe_ms += time_network(n, device);
  RoundsOptions rounds = fit_budget(o, probe_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
  rounds.cancel = reporter.cancel();
  rounds.on_round_done = [&](int r) {
    reporter.progress("latency-model", 0.1 + 0.9 * static_cast<double>(r + 1) / static_cast<double>(rounds.rounds), "round " + std::to_string(r + 1));
  };
  const RoundsResult measured = time_networks(networks, device, rounds);
  reporter.done("latency-model");
  const Split split = split_networks(archs, held, measured);
  if (!o.lut) table = macs_at_fitted_rate(space, o.resolutions, split);
  const search::LatencyFit fit = search::fit_latency_model(space, split.fit_archs, split.fit_y, table, {o.regularization});
  const HeldOutPredictions p = predict_held_out(space, fit, table, split);
  search::ModelQualityReport q = quality_report(split, p, fit);
  q.prior = o.lut ? "table " + o.lut->string() : "macs";
  q.device = device.str(), q.engine = engine_name(kind), q.machine = common::machine_description();
  q.threads = threads, q.rounds = rounds.rounds, q.calls = rounds.calls, q.regularization = o.regularization;
  q.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& [r, t] : fit.tables) common::write_lut_file(staging / (std::to_string(r) + "_lookup_table.json"), t);
  staging.write("quality.yaml", search::format_quality_yaml(q));
  staging.write("quality.svg", search::plot_quality_svg(split.test_y, p.model, p.table,
                                                       "latency model on " + std::to_string(q.heldout) + " held-out networks (" + q.device + ", " +
                                                           std::to_string(threads) + " thread(s))"));
  common::ModelNetworks nets{space.name, {}};
  for (std::size_t i = 0; i < archs.size(); ++i)
    nets.networks.push_back({held[i] != 0, measured.stats[i].median_ms, search::predict_latency(fit.tables, space, archs[i]),
                             search::predict_latency(table, space, archs[i]), archs[i]});
  staging.write("networks.yaml", common::format_model_networks_yaml(nets));
  staging.commit();
  return summary_line(q, o.out);
}

}  // namespace ofa::runtime
