#include "ofa/runtime/adaptive/adaptive_network.hpp"

#include <map>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <torch/cuda.h>

#include "ofa/common/error.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/adaptive/library_levels.hpp"
#include "ofa/runtime/measure/measurement.hpp"
#include "ofa/common/library_file.hpp"

namespace ofa::runtime {

using namespace ofa::common;

std::vector<LevelSpec> level_specs(const common::LibraryFile& library) {
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
  return load(common::read_library(path), path, weights, o);
}

AdaptiveNetwork AdaptiveNetwork::load(common::LibraryFile lib, const std::filesystem::path& path,
                                      const std::optional<std::filesystem::path>& weights, const AdaptiveOptions& o) {
  Supernet supernet = library_supernet(lib, path, weights, o.seed);
  return AdaptiveNetwork(std::move(lib), path.parent_path(), std::move(supernet), o);
}

AdaptiveNetwork::AdaptiveNetwork(common::LibraryFile library, const std::filesystem::path& library_dir, Supernet supernet,
                                 const AdaptiveOptions& o, Clock clock)
    : library_(std::move(library)),
      manager_(make_level_policy(o.policy_name, level_specs(library_), o.policy, clock)),  // checks the levels' order too
      clock_(clock),
      device_(parse_device(o.device)),
      weights_source_(supernet.source()) {
  if (o.warmup < 0) throw Error("warm-up " + std::to_string(o.warmup) + " must be >= 0");
  supernet.to(device_);  // before slicing, so the levels' views share device memory
  {
    // Optimized levels copy what they need, so the slicer's shared tensors and the supernet
    // go when this block ends; eager levels keep views into them.
    WeightSlicer slicer(WeightSlicer::Mode::Share);
    EngineCache shared;
    for (std::size_t i = 0; i < library_.levels.size(); ++i) {
      Subnet net = level_subnet(library_, i, library_dir, supernet, slicer);
      std::string note;
      const EngineKind kind = o.engine ? *o.engine : serving_engine(library_, i, device_, o.ort_provider, &note);
      if (!note.empty()) engine_notes_.push_back(note);
      try {
        levels_.emplace_back(net, kind, &shared, o.ort_provider);
      } catch (const std::exception& e) {
        throw Error("level " + std::to_string(i) + " (" + to_string(net.arch()) + "): the " + engine_name(kind) +
                    " engine cannot build it: " + e.what());
      }
    }
    shared_bytes_ = shared.weight_bytes();
    Supernet released = std::move(supernet);
  }
#ifdef __GLIBC__
  // Building freed the supernet, the slices and every intermediate copy; glibc keeps such
  // memory in its arenas unless asked, and the levels' resident size is what users budget.
  ::malloc_trim(0);
#endif
  torch::NoGradGuard no_grad;
  for (const Engine& e : levels_) {
    const torch::Tensor x = torch::zeros({1, 3, e.arch().r, e.arch().r}, torch::TensorOptions().device(device_));
    for (int k = 0; k < o.warmup; ++k) e.forward(x);
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
  const int lvl = manager_->level();
  const Engine& net = levels_[static_cast<std::size_t>(lvl)];
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
  const Decision d = manager_->observe((t1 - t0) * 1000);
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
  rec.target_ms = manager_->target_ms();
  rec.met = rec.latency_ms <= rec.target_ms;
  rec.breaking = d.breaking;
  first_at_level_ = d.switched;
  last_ = rec;
  if (callback_) callback_(rec);
  return logits;
}

std::int64_t AdaptiveNetwork::weight_bytes() const {
  std::vector<const Subnet*> eager;
  std::int64_t bytes = 0;
  for (const Engine& e : levels_) {
    if (e.kind() == EngineKind::Eager) eager.push_back(&e.subnet());
    else bytes += e.weight_bytes();
  }
  return bytes + shared_bytes_ + distinct_weight_bytes(eager);
}

}  // namespace ofa::runtime
