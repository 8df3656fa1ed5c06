#include "ofa/runtime/adaptive_network.hpp"

#include <map>

#include <torch/cuda.h>

#include "ofa/common/error.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/measurement.hpp"
#include "ofa/search/library_file.hpp"

namespace ofa::runtime {

using namespace ofa::common;

std::vector<LevelSpec> level_specs(const search::LibraryFile& library) {
  std::vector<LevelSpec> out;
  for (const auto& l : library.levels) out.push_back({l.latency_median_ms, l.accuracy});
  return out;
}

std::int64_t distinct_weight_bytes(const std::vector<const Subnet*>& subnets) {
  std::map<const void*, std::int64_t> storages;
  for (const Subnet* s : subnets)
    s->for_each_weight([&](const torch::Tensor& t) {
      storages[t.storage().data()] = static_cast<std::int64_t>(t.storage().nbytes());
    });
  std::int64_t bytes = 0;
  for (const auto& [ptr, n] : storages) bytes += n;
  return bytes;
}

AdaptiveNetwork AdaptiveNetwork::load(const std::filesystem::path& path, const std::optional<std::filesystem::path>& weights,
                                      const AdaptiveOptions& o) {
  return load(search::read_library(path), path, weights, o);
}

AdaptiveNetwork AdaptiveNetwork::load(search::LibraryFile lib, const std::filesystem::path& path,
                                      const std::optional<std::filesystem::path>& weights, const AdaptiveOptions& o) {
  const SearchSpace space = search_space(lib.space, lib.elastic_kernel);
  std::optional<std::filesystem::path> file = weights;
  if (!file && lib.weights != "random") {
    file = lib.weights;
    std::error_code ec;
    if (!std::filesystem::exists(*file, ec))
      throw Error(path.string() + ": key 'weights' = '" + lib.weights + "' does not exist (give --weights, or measure with random weights)");
  }
  Supernet supernet = file ? Supernet::load(*file, space) : Supernet::random(space, o.seed);
  return AdaptiveNetwork(std::move(lib), path.parent_path(), std::move(supernet), o);
}

AdaptiveNetwork::AdaptiveNetwork(search::LibraryFile library, const std::filesystem::path& library_dir, Supernet supernet,
                                 const AdaptiveOptions& o, Clock clock)
    : library_(std::move(library)),
      manager_(level_specs(library_), o.policy, clock),  // checks the levels' order too
      clock_(clock),
      device_(parse_device(o.device)),
      weights_source_(supernet.source()) {
  if (o.warmup < 0) throw Error("warm-up " + std::to_string(o.warmup) + " must be >= 0");
  const SearchSpace space = search_space(library_.space, library_.elastic_kernel);
  supernet.to(device_);  // before slicing, so the levels' views share device memory
  WeightSlicer slicer(WeightSlicer::Mode::Share);
  for (std::size_t i = 0; i < library_.levels.size(); ++i) {
    const search::Level& l = library_.levels[i];
    const std::string where = "level " + std::to_string(i);
    if (l.bn.empty()) {
      subnets_.push_back(Subnet::from_supernet(space, l.arch, supernet, slicer));
      continue;
    }
    const std::filesystem::path bn = std::filesystem::path(l.bn).is_absolute() ? std::filesystem::path(l.bn) : library_dir / l.bn;
    const Supernet with_bn = supernet.with_bn_overrides(load_state_dict(bn), where + ": " + bn.string());
    subnets_.push_back(Subnet::from_supernet(space, l.arch, with_bn, slicer));
  }
  torch::NoGradGuard no_grad;
  for (const Subnet& s : subnets_) {
    const torch::Tensor x = torch::zeros({1, 3, s.arch().r, s.arch().r}, torch::TensorOptions().device(device_));
    for (int k = 0; k < o.warmup; ++k) s.forward(x);
  }
  if (device_.is_cuda()) torch::cuda::synchronize();
  restart_clock();
}

void AdaptiveNetwork::restart_clock() {
  epoch_ = clock_();
  frame_ = 0;
}

torch::Tensor AdaptiveNetwork::infer(const torch::Tensor& input) {
  torch::NoGradGuard no_grad;
  const int lvl = manager_.level();
  const Subnet& net = subnets_[static_cast<std::size_t>(lvl)];
  const int r = net.arch().r;
  if (input.dim() != 4 || input.size(1) != 3) throw Error("infer: input has shape " + c10::str(input.sizes()) + ", expected [N, 3, H, W]");
  const double t0 = clock_();
  torch::Tensor x = input.to(device_, torch::kFloat32);
  if (x.size(2) != r || x.size(3) != r)
    x = torch::nn::functional::interpolate(
        x, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{r, r}).mode(torch::kBilinear).align_corners(false));
  torch::Tensor logits = net.forward(x);
  if (device_.is_cuda()) torch::cuda::synchronize();
  const double t1 = clock_();
  const Decision d = manager_.observe((t1 - t0) * 1000);
  const double t2 = clock_();
  FrameRecord rec;
  rec.frame = frame_++;
  rec.time_s = t0 - epoch_;
  rec.level = lvl;
  rec.latency_ms = (t1 - t0) * 1000;
  rec.slowdown = d.slowdown;
  rec.switched = first_at_level_;
  rec.next_level = d.level;
  rec.decision_us = (t2 - t1) * 1e6;
  rec.target_ms = manager_.config().target_ms;
  rec.met = rec.latency_ms <= rec.target_ms;
  rec.breaking = d.breaking;
  first_at_level_ = d.switched;
  last_ = rec;
  if (callback_) callback_(rec);
  return logits;
}

std::int64_t AdaptiveNetwork::weight_bytes() const {
  std::vector<const Subnet*> all;
  for (const Subnet& s : subnets_) all.push_back(&s);
  return distinct_weight_bytes(all);
}

}  // namespace ofa::runtime
