#include "runtime/commands/lut_command.hpp"
#include "ofa/runtime/measure/call_timing.hpp"
#include "ofa/runtime/measure/device_options.hpp"

#include <algorithm>
#include <optional>
#include <cmath>
#include <cstdio>
#include <set>

#include <torch/version.h>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/lut_measurement_file.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/measure/fastest_engine.hpp"
#include "ofa/runtime/measure/interleaved_rounds.hpp"
#include "ofa/runtime/measure/network_rounds.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/search/library_builder.hpp"

namespace ofa::runtime {

using namespace ofa::common;

namespace {

// Input of a layer's shape at batch 1 (the classifier takes a flat vector).
torch::Tensor layer_input(const LayerSpec& l, const torch::Device& device) {
  if (l.kind == LayerKind::Classifier) return torch::randn({1, l.in_c}).to(device);
  return torch::randn({1, l.in_c, l.in_hw, l.in_hw}).to(device);
}

// The engine a table is built on. auto picks it from a few whole networks, timed first; a
// resumed folder keeps the engine its tables were started on (measurement.yaml records it
// before any layer is timed), so one folder never mixes engines.
EngineKind table_engine(const BuildLutOptions& o, const SearchSpace& space, const std::vector<int>& resolutions, const torch::Device& device,
                        OrtProvider provider, const std::optional<common::LutMeasurement>& previous, const common::Reporter& reporter) {
  const EngineChoice choice = engine_choice(o.device);
  const auto record = o.out_dir / "measurement.yaml";
  const std::string started_on = previous ? previous->engine : "";
  if (previous && started_on.empty() && choice.automatic)
    throw Error(record.string() + ": no key 'engine' (written before it existed): give --engine with the engine its tables were built on to resume");
  if (!started_on.empty()) {
    if (!choice.automatic && started_on != engine_name(choice.kind))
      throw Error(record.string() + ": the tables were started on the " + started_on + " engine, --engine " + engine_name(choice.kind) +
                  " now: give --engine " + started_on + " (or auto) to resume, or another --out");
    try {
      const EngineKind kind = parse_engine(started_on);
      check_engine_device(kind, device, provider);
      return kind;
    } catch (const Error& e) {
      throw Error(record.string() + ": key 'engine' = '" + started_on + "': this build and device cannot resume on it (" + e.what() + ")");
    }
  }
  if (!choice.automatic) return choice.kind;
  const TableEngine t = probe_table_engine(space, resolutions, choice.engines(), provider, device, kTableProbeNetworks,
                                           RoundsOptions{5, 3, 2, o.seed, reporter.cancel(), {}});
  if (!t.geomean_ms.empty()) reporter.note("lut: " + describe_table_engine(t, choice.engines(), kTableProbeNetworks));
  return t.engine;
}

// How far the tables are, over every resolution, for the progress bar.
struct LutProgress {
  std::size_t total = 0, done = 0;
};

// One resolution's table: kept when --resume finds it whole, else its pending layers timed in
// interleaved rounds over chunks (interleaved_rounds.hpp), a slow spell of the machine
// slowing a chunk's layers alike, progress saved after each chunk. The layer runs alone in
// the engine that will run it, so the table predicts that engine.
void build_table(const BuildLutOptions& o, const SearchSpace& space, int r, EngineKind kind, OrtProvider provider, const torch::Device& device,
                 const RoundsOptions& rounds, common::LutMeasurement& measurement, LutProgress& progress, const common::Reporter& reporter) {
  const auto layers = distinct_layers(space, r);
  const auto final_file = o.out_dir / (std::to_string(r) + "_lookup_table.json");
  const auto partial_file = o.out_dir / ("." + std::to_string(r) + "_lookup_table.partial.json");
  std::error_code ec;
  LutFile table;
  if (o.resume && std::filesystem::exists(final_file, ec)) {
    table = read_lut_file(final_file);
    if (std::all_of(layers.begin(), layers.end(), [&table](const LayerSpec& l) { return table.count(lut_key(l)) > 0; })) {
      progress.done += layers.size();
      reporter.progress("lut", static_cast<double>(progress.done) / static_cast<double>(progress.total), "r=" + std::to_string(r) + " (kept)");
      return;
    }
  }
  table.clear();
  if (o.resume && std::filesystem::exists(partial_file, ec)) table = read_lut_file(partial_file);
  std::vector<const LayerSpec*> pending;
  for (const LayerSpec& l : layers) {
    if (table.count(lut_key(l))) ++progress.done;
    else pending.push_back(&l);
  }
  std::vector<std::vector<double>> round_medians;
  const std::size_t done_before = progress.done;
  auto build = [&](std::size_t i) {
    const LayerSpec& l = *pending[i];
    Subnet one = single_layer(l, done_before + i + 1);
    one.to(device);
    return TimedNetwork{Engine(one, kind, nullptr, provider), layer_input(l, device)};
  };
  auto store = [&](std::size_t first, const RoundsResult& result) {
    for (std::size_t k = 0; k < result.stats.size(); ++k) {
      const TimingStats& t = result.stats[k];
      table[lut_key(*pending[first + k])] = LutEntry{t.count, t.interdecile_mean_ms, t.interdecile_std_ms};
      round_medians.push_back(result.round_medians[k]);
    }
    progress.done = done_before + first + result.stats.size();
    write_lut_file(partial_file, table);
    reporter.progress("lut", static_cast<double>(progress.done) / static_cast<double>(progress.total), "r=" + std::to_string(r));
  };
  time_in_chunks(pending.size(), 32, build, device, rounds, store);
  if (const auto noise = half_split_noise(round_medians)) measurement.noise[r] = {noise->spearman, noise->mape, static_cast<int>(noise->items)};
  write_lut_file(final_file, table);
  std::filesystem::remove(partial_file, ec);
}

}  // namespace

void run_build_lut(const BuildLutOptions& o, const common::Reporter& reporter) {
  check_device_options(o.device);
  apply_tf32(o.device.allow_tf32);
  if (o.rounds < 1) throw Error("--rounds " + std::to_string(o.rounds) + " must be >= 1");
  const SearchSpace space = search_space(o.space, o.elastic_kernel);
  const std::vector<int> resolutions = o.resolutions.empty() ? space.resolutions : o.resolutions;
  if (resolutions.empty()) throw Error("--resolutions: empty list");
  for (int r : resolutions)
    if (!space.has_resolution(r)) throw Error("--resolutions: " + std::to_string(r) + " is not a resolution of " + space.name);
  const torch::Device device = parse_device(o.device.device);
  if (!o.pin_cpus.empty()) pin_to_cpus(o.pin_cpus);
  apply_threads(o.device.threads);
  const OrtProvider provider = parse_ort_provider(o.device.ort_provider);
  const RoundsOptions rounds = spread_repeats(o.rounds, o.device.repeats, o.device.warmup, o.seed, reporter.cancel());
  const auto record = o.out_dir / "measurement.yaml";
  std::error_code exists_ec;
  std::optional<common::LutMeasurement> previous;
  if (o.resume && std::filesystem::exists(record, exists_ec)) previous = common::read_lut_measurement(record);
  const EngineKind kind = table_engine(o, space, resolutions, device, provider, previous, reporter);
  if (rounds.rounds < o.rounds)
    reporter.say("lut: --repeats " + std::to_string(o.device.repeats) + " is fewer than --rounds " + std::to_string(o.rounds) + ": measuring " +
                 std::to_string(rounds.rounds) + " rounds of one call each");
  common::LutMeasurement measurement{rounds.rounds, rounds.calls, engine_name(kind), {}};  // noise per resolution measured now
  if (previous) measurement.noise = previous->noise;  // resolutions kept keep their figures
  std::filesystem::create_directories(o.out_dir);
  write_file_atomic(record, common::format_lut_measurement_yaml(measurement));  // the engine, before any layer
  LutProgress progress;
  for (int r : resolutions) progress.total += distinct_layers(space, r).size();
  torch::NoGradGuard no_grad;
  for (int r : resolutions) build_table(o, space, r, kind, provider, device, rounds, measurement, progress, reporter);
  // The machine's noise while the tables were measured, beside them (OFA's layout has no
  // room for it; table readers ignore the file).
  write_file_atomic(record, common::format_lut_measurement_yaml(measurement));
}

}  // namespace ofa::runtime
