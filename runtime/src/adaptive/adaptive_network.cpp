#include "ofa/runtime/adaptive/adaptive_network.hpp"

#include <cmath>
#include <map>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <torch/cuda.h>

#include "ofa/common/error.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/adaptive/bundle.hpp"
#include "ofa/runtime/adaptive/library_levels.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/runtime/measure/device_options.hpp"
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

namespace {

// A target of 0 means: the most accurate level's measured latency, with the policy's margin.
PolicyConfig with_default_target(PolicyConfig policy, const common::LibraryFile& library) {
  if (policy.target_ms == 0 && !library.levels.empty() && policy.margin >= 0 && policy.margin < 1)
    policy.target_ms = library.levels.back().latency_median_ms / (1 - policy.margin);
  return policy;
}

const common::LibraryFile& checked(const common::LibraryFile& library, const AdaptiveOptions& o) {
  AdaptiveNetwork::check_options(library, o);
  return library;
}



// LibTorch's errors carry a backtrace after their first line: the API's errors are one line.
torch::Tensor forward_one_line(const Engine& net, const torch::Tensor& x, int level) {
  try {
    return net.forward(x);
  } catch (const c10::Error& e) {
    throw Error("level " + std::to_string(level) + ": " + common::first_line(e.what_without_backtrace()));
  }
}

}  // namespace

void AdaptiveNetwork::check_options(const common::LibraryFile& library, const AdaptiveOptions& o) {
  if (o.warmup < 0) throw Error("warm-up " + std::to_string(o.warmup) + " must be >= 0");
  make_level_policy(o.policy_name, level_specs(library), with_default_target(o.policy, library), steady_clock_seconds());
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

AdaptiveNetwork AdaptiveNetwork::load_bundle(const std::filesystem::path& dir, const AdaptiveOptions& o) {
  const Bundle bundle = read_bundle(dir);
  common::LibraryFile library = bundle_library(bundle);
  checked(library, o);
  library = served_at_precision(std::move(library), o.precision, o.convert_precision, true);
  BuiltLevels built = build_bundle_levels(bundle, o.engine, parse_device(o.device), o.ort_provider);
  return AdaptiveNetwork(std::move(library), std::move(built), o);
}

AdaptiveNetwork::AdaptiveNetwork(common::LibraryFile library, const std::filesystem::path& library_dir, Supernet supernet,
                                 const AdaptiveOptions& o, Clock clock)
    : AdaptiveNetwork(served_at_precision(library, o.precision, o.convert_precision, false),
                      build_library_levels(checked(served_at_precision(library, o.precision, o.convert_precision, false), o), library_dir,
                                           std::move(supernet), o.engine, parse_device(o.device), o.ort_provider),
                      o, clock) {}

AdaptiveNetwork::AdaptiveNetwork(common::LibraryFile library, BuiltLevels built, const AdaptiveOptions& o, Clock clock)
    : library_(std::move(library)),
      levels_(std::move(built.engines)),
      shared_bytes_(built.shared_bytes),
      manager_(make_level_policy(o.policy_name, level_specs(library_), with_default_target(o.policy, library_), clock)),  // checks the levels' order too
      clock_(clock),
      device_(parse_device(o.device)),
      weights_source_(std::move(built.weights_source)),
      engine_notes_(std::move(built.notes)) {
  if (o.warmup < 0) throw Error("warm-up " + std::to_string(o.warmup) + " must be >= 0");
  if (levels_.size() != library_.levels.size())
    throw Error("the network has " + std::to_string(levels_.size()) + " levels built for a library of " + std::to_string(library_.levels.size()));
#ifdef __GLIBC__
  // Building freed the supernet, the slices and every intermediate copy; glibc keeps such
  // memory in its arenas unless asked, and the levels' resident size is what users budget.
  ::malloc_trim(0);
#endif
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < levels_.size(); ++i) {
    const torch::Tensor x = torch::zeros({1, 3, levels_[i].arch().r, levels_[i].arch().r}, torch::TensorOptions().device(device_));
    for (int k = 0; k < o.warmup; ++k) forward_one_line(levels_[i], x, static_cast<int>(i));
  }
  if (device_.is_cuda()) torch::cuda::synchronize();
  restart_clock();
}

void AdaptiveNetwork::pin_level(std::optional<int> level) {
  if (level && (*level < 0 || static_cast<std::size_t>(*level) >= levels_.size()))
    throw Error("pin_level: level " + std::to_string(*level) + " is not in [0, " + std::to_string(levels_.size() - 1) + "]");
  const int before = this->level();
  pinned_ = level;
  if (this->level() != before) first_at_level_ = true;
}

void AdaptiveNetwork::set_latency_target(double target_ms) {
  if (!std::isfinite(target_ms) || target_ms <= 0) throw Error("latency target " + format_g(target_ms, 6) + " ms must be a finite number > 0");
  manager_->set_target(target_ms);
}

void AdaptiveNetwork::set_min_accuracy(std::optional<double> min_accuracy) {
  if (min_accuracy && !std::isfinite(*min_accuracy)) throw Error("accuracy floor must be a finite number");
  manager_->set_min_accuracy(min_accuracy);
}

void AdaptiveNetwork::restart_clock() {
  epoch_ = clock_();
  frame_ = 0;
}

torch::Tensor AdaptiveNetwork::infer(const torch::Tensor& input) {
  torch::NoGradGuard no_grad;
  const int lvl = level();
  const Engine& net = levels_[static_cast<std::size_t>(lvl)];
  const int r = net.arch().r;
  if (input.dim() != 4 || input.size(1) != 3) throw Error("infer: input has shape " + c10::str(input.sizes()) + ", expected [N, 3, H, W]");
  const double t0 = clock_();
  torch::Tensor x = input.to(device_, torch::kFloat32);
  if (x.size(2) != r || x.size(3) != r)
    x = torch::nn::functional::interpolate(
        x, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{r, r}).mode(torch::kBilinear).align_corners(false));
  torch::Tensor logits = forward_one_line(net, x, lvl);
  if (device_.is_cuda()) torch::cuda::synchronize();
  const double t1 = clock_();
  // A pinned level's frames are not the policy's: its estimate stays what it was.
  Decision d;
  if (!pinned_) {
    d = manager_->observe((t1 - t0) * 1000);
  } else {
    d.level = d.previous = lvl;
    d.slowdown = last_.slowdown;
  }
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
    if (e.has_subnet()) eager.push_back(&e.subnet());
    else bytes += e.weight_bytes();
  }
  return bytes + shared_bytes_ + distinct_weight_bytes(eager);
}

}  // namespace ofa::runtime
