#include "ofa/runtime/lut_command.hpp"
#include "ofa/runtime/measurement.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include <torch/version.h>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/progress_bar.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/runtime/engine.hpp"
#include "ofa/runtime/interleaved_rounds.hpp"
#include "ofa/runtime/subnet.hpp"
#include "ofa/search/library_builder.hpp"

namespace ofa::runtime {

using namespace ofa::common;

namespace {

// Input of a layer's shape at batch 1 (the classifier takes a flat vector).
torch::Tensor layer_input(const LayerSpec& l, const torch::Device& device) {
  if (l.kind == LayerKind::Classifier) return torch::randn({1, l.in_c}).to(device);
  return torch::randn({1, l.in_c, l.in_hw, l.in_hw}).to(device);
}

}  // namespace

std::vector<LayerSpec> distinct_layers(const SearchSpace& space, int r) {
  std::vector<LayerSpec> out;
  std::set<std::string> keys;
  auto add = [&](const LayerSpec& l) {
    if (keys.insert(lut_key(l)).second) out.push_back(l);
  };
  for (const auto& l : stem_layers(space, r)) add(l);
  for (int b = 0; b < kBlocks; ++b)
    for (int ks : space.kernel_choices(b / kMaxDepth))
      for (int e : space.e_choices) add(block_layer(space, r, b, ks, e));
  for (const auto& l : head_layers(space, r)) add(l);
  return out;
}

void run_build_lut(const BuildLutOptions& o) {
  check_device_options(o.device);
  apply_tf32(o.device.allow_tf32);
  if (o.rounds < 1) throw Error("--rounds " + std::to_string(o.rounds) + " must be >= 1");
  const SearchSpace space = search_space(o.space, o.elastic_kernel);
  std::vector<int> resolutions = o.resolutions.empty() ? space.resolutions : o.resolutions;
  if (resolutions.empty()) throw Error("--resolutions: empty list");
  for (int r : resolutions)
    if (!space.has_resolution(r)) throw Error("--resolutions: " + std::to_string(r) + " is not a resolution of " + space.name);
  const torch::Device device = parse_device(o.device.device);
  if (!o.pin_cpus.empty()) pin_to_cpus(o.pin_cpus);
  apply_threads(o.device.threads);
  RoundsOptions rounds = spread_repeats(o.rounds, o.device.repeats, o.device.warmup, o.seed, o.device.cancel);
  const std::size_t chunk = 32;
  std::string noise_report;  // per resolution measured now

  std::size_t total = 0, done = 0;
  for (int r : resolutions) total += distinct_layers(space, r).size();
  ProgressBar bar("lut", !o.device.quiet && ProgressBar::stderr_is_terminal());
  torch::NoGradGuard no_grad;
  for (int r : resolutions) {
    const auto layers = distinct_layers(space, r);
    const auto final_file = o.out_dir / (std::to_string(r) + "_lookup_table.json");
    const auto partial_file = o.out_dir / ("." + std::to_string(r) + "_lookup_table.partial.json");
    std::error_code ec;
    LutFile table;
    if (o.resume && std::filesystem::exists(final_file, ec)) {
      table = read_lut_file(final_file);
      const bool complete = std::all_of(layers.begin(), layers.end(), [&table](const LayerSpec& l) { return table.count(lut_key(l)) > 0; });
      if (complete) {
        done += layers.size();
        bar.update(static_cast<double>(done) / static_cast<double>(total), "r=" + std::to_string(r) + " (kept)");
        continue;
      }
    }
    table.clear();
    if (o.resume && std::filesystem::exists(partial_file, ec)) table = read_lut_file(partial_file);
    // Interleaved rounds over chunks of the pending layers (interleaved_rounds.hpp): a slow
    // spell of the machine slows a chunk's layers alike; progress is saved after each chunk.
    std::vector<const LayerSpec*> pending;
    for (const LayerSpec& l : layers) {
      if (table.count(lut_key(l))) ++done;
      else pending.push_back(&l);
    }
    std::vector<std::vector<double>> round_medians;
    for (std::size_t first = 0; first < pending.size(); first += chunk) {
      check_cancel(o.device);
      const std::size_t n = std::min(chunk, pending.size() - first);
      std::vector<Engine> engines;
      std::vector<torch::Tensor> inputs;
      for (std::size_t k = 0; k < n; ++k) {
        const LayerSpec& l = *pending[first + k];
        Subnet one = single_layer(l, done + k + 1);
        one.to(device);
        // The layer alone in the engine that will run it, so the table predicts that engine.
        engines.emplace_back(one, parse_engine(o.device.engine));
        inputs.push_back(layer_input(l, device));
      }
      const RoundsResult result =
          measure_in_rounds(n, [&](std::size_t k) { return time_one_call([&] { engines[k].forward(inputs[k]); }, device); }, rounds);
      for (std::size_t k = 0; k < n; ++k) {
        const TimingStats& t = result.stats[k];
        table[lut_key(*pending[first + k])] = LutEntry{t.count, t.interdecile_mean_ms, t.interdecile_std_ms};
        round_medians.push_back(result.round_medians[k]);
      }
      done += n;
      write_lut_file(partial_file, table);
      bar.update(static_cast<double>(done) / static_cast<double>(total), "r=" + std::to_string(r));
    }
    if (const auto noise = half_split_noise(round_medians)) {
      noise_report += "  " + std::to_string(r) + ": {spearman: " + common::format_g(noise->spearman, 4) + ", mape: " + common::format_g(noise->mape, 4) +
                      ", layers: " + std::to_string(noise->items) + "}\n";
    }
    write_lut_file(final_file, table);
    std::filesystem::remove(partial_file, ec);
  }
  // The machine's noise while the tables were measured, beside them (OFA's layout has no
  // room for it; table readers ignore the file).
  if (!noise_report.empty())
    write_file_atomic(o.out_dir / "measurement.yaml", "format: ofa-lut-measurement/1\nrounds: " + std::to_string(rounds.rounds) +
                                                          "\ncalls_per_round: " + std::to_string(rounds.calls) +
                                                          "\n# per resolution: layer medians of the first half of the rounds against the second\nnoise:\n" +
                                                          noise_report);
}

}  // namespace ofa::runtime
