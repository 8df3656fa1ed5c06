// AdaptiveNetwork: a library's levels built once from one supernet and served through a SlowdownPolicy.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "ofa/runtime/adaptive/built_levels.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/adaptive/slowdown_policy.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/runtime/adaptive/telemetry.hpp"
#include "ofa/common/library_file.hpp"

namespace ofa::runtime {

struct AdaptiveOptions {
  std::string device = "cpu";
  // Every level on this engine; nullopt (the default): each level on the engine it was measured
  // on (the library's `engine`, or a level's own in a library measured with auto; a bundle's
  // level's), Error when one is not built.
  std::optional<EngineKind> engine;
  OrtProvider ort_provider = OrtProvider::Cpu;
  int warmup = 5;            // forwards per level at load, so no level runs cold
  // target_ms 0: the most accurate level's measured latency with the policy's margin, so the
  // network starts at its best level and steps down when the device slows down.
  PolicyConfig policy;
  std::string policy_name = kOfaToolchainPolicy;  // which LevelPolicy (make_level_policy)
  std::uint64_t seed = 0;    // of the random supernet, when there is no weights file
  // Every level must be at this precision (fp32 | int8): a level measured at another is Error
  // (its latency and accuracy are that precision's), unless `convert_precision`: int8 levels
  // are then served as their fp32 networks (fp32 levels have no int8 calibration to convert
  // with: export them with --precision int8). nullopt: each level at its own precision.
  std::optional<std::string> precision;
  bool convert_precision = false;
};

// A library's levels, built once from one supernet and served through a LevelPolicy (ours,
// SlowdownPolicy, unless options say otherwise). Each level is an Engine: optimized levels hold their own folded, reordered weights (the
// supernet is released once they are built); eager levels share the supernet's storage where
// slicing allows (WeightSlicer::Share). Switching a level only changes which engine the next
// infer() runs.
class AdaptiveNetwork {
 public:
  // Reads library.yaml (checked on load). Weights: `weights` when given, else the library's
  // `weights` file unless it is "random", else a seeded random supernet.
  static AdaptiveNetwork load(const std::filesystem::path& library, const std::optional<std::filesystem::path>& weights,
                              const AdaptiveOptions& options);
  // The same for a library already read from `library_path`.
  static AdaptiveNetwork load(common::LibraryFile library, const std::filesystem::path& library_path,
                              const std::optional<std::filesystem::path>& weights, const AdaptiveOptions& options);
  // A bundle (`ofa-runtime export`'s folder, bundle.hpp): every level built from its own file,
  // no supernet. Threads are the application's (torch::set_num_threads; the bundle records
  // those it was measured with in setup().threads).
  static AdaptiveNetwork load_bundle(const std::filesystem::path& dir, const AdaptiveOptions& options = {});
  // `library_dir` resolves the levels' relative BN files.
  AdaptiveNetwork(common::LibraryFile library, const std::filesystem::path& library_dir, Supernet supernet,
                  const AdaptiveOptions& options, Clock clock = steady_clock_seconds());
  // Error when `options` cannot serve `library` (the policy's settings, the warm-up): what the
  // loaders check before building a level, and a caller building levels itself should too.
  static void check_options(const common::LibraryFile& library, const AdaptiveOptions& options);
  // Levels already built for `library`'s levels (one engine each, in order).
  AdaptiveNetwork(common::LibraryFile library, BuiltLevels levels, const AdaptiveOptions& options, Clock clock = steady_clock_seconds());

  // Runs the current level on `input` [N, 3, h, w] (resized to the level's resolution when it
  // differs), times it, feeds the latency to the manager and records a FrameRecord.
  torch::Tensor infer(const torch::Tensor& input);

  // The level the next infer() runs: the pinned one, else the policy's.
  int level() const { return pinned_ ? *pinned_ : manager_->level(); }
  int resolution() const { return levels_[static_cast<std::size_t>(level())].arch().r; }
  // Serve `level` until unpinned (std::nullopt hands control back to the policy, at the level
  // it last chose). Frames served while pinned do not feed the policy. Error when out of range.
  void pin_level(std::optional<int> level);
  std::optional<int> pinned_level() const { return pinned_; }
  // The policy's latency target (ms, finite, > 0) and accuracy floor, from the next frame on.
  void set_latency_target(double target_ms);
  void set_min_accuracy(std::optional<double> min_accuracy);
  std::size_t levels() const { return levels_.size(); }
  const Engine& engine(std::size_t level) const { return levels_.at(level); }
  // The library the levels come from (for a bundle, the one it was exported from, as far as
  // export.yaml records it: setup, architectures, accuracies, latencies, engines).
  const common::LibraryFile& library() const { return library_; }
  // Levels served on another engine than the one recorded for them, because that one failed its
  // check on this machine (serving_engine): one line each.
  const std::vector<std::string>& engine_notes() const { return engine_notes_; }
  const std::string& weights_source() const { return weights_source_; }
  LevelPolicy& manager() { return *manager_; }
  const FrameRecord& last_frame() const { return last_; }
  // Called after every inference.
  void on_frame(std::function<void(const FrameRecord&)> callback) { callback_ = std::move(callback); }
  // Frame times are seconds since this call (construction calls it).
  void restart_clock();

  // Bytes of weights the levels hold: distinct storage for eager levels (shared storage
  // counted once), the folded weights of optimized ones.
  std::int64_t weight_bytes() const;

 private:
  common::LibraryFile library_;
  std::vector<Engine> levels_;
  std::int64_t shared_bytes_ = 0;  // weights the optimized levels share (EngineCache)
  std::unique_ptr<LevelPolicy> manager_;
  Clock clock_;
  torch::Device device_ = torch::kCPU;
  std::string weights_source_;
  std::vector<std::string> engine_notes_;
  std::optional<int> pinned_;
  double epoch_ = 0;
  std::int64_t frame_ = 0;
  bool first_at_level_ = false;
  FrameRecord last_;
  std::function<void(const FrameRecord&)> callback_;
};

// The manager's view of a library's levels.
std::vector<LevelSpec> level_specs(const common::LibraryFile& library);

// Distinct storage bytes of a set of subnets' weights.
std::int64_t distinct_weight_bytes(const std::vector<const Subnet*>& subnets);

}  // namespace ofa::runtime
