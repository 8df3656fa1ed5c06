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
#include "ofa/runtime/engine.hpp"
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
  const SearchSpace space = search_space(o.space, o.elastic_kernel);
  std::vector<int> resolutions = o.resolutions.empty() ? space.resolutions : o.resolutions;
  if (resolutions.empty()) throw Error("--resolutions: empty list");
  for (int r : resolutions)
    if (!space.has_resolution(r)) throw Error("--resolutions: " + std::to_string(r) + " is not a resolution of " + space.name);
  const torch::Device device = parse_device(o.device.device);
  apply_threads(o.device.threads);
  const TimingOptions timing{device, o.device.warmup, o.device.repeats};

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
    for (const LayerSpec& l : layers) {
      ++done;
      const std::string key = lut_key(l);
      if (table.count(key)) continue;
      check_cancel(o.device);
      Subnet one = single_layer(l, done);
      one.to(device);
      // The layer alone in the engine that will run it, so the table predicts that engine.
      const Engine engine(one, parse_engine(o.device.engine));
      const torch::Tensor x = layer_input(l, device);
      const TimingStats t = time_calls([&] { engine.forward(x); }, timing);
      table[key] = LutEntry{t.count, t.interdecile_mean_ms, t.interdecile_std_ms};
      write_lut_file(partial_file, table);
      bar.update(static_cast<double>(done) / static_cast<double>(total), "r=" + std::to_string(r));
    }
    write_lut_file(final_file, table);
    std::filesystem::remove(partial_file, ec);
  }
}

}  // namespace ofa::runtime
