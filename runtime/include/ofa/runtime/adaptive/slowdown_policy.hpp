// SlowdownPolicy (--policy ofa-toolchain): picks a level per frame from the device's estimated slowdown to hold a latency target (and accuracy floor).
#pragma once
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ofa/runtime/adaptive/level_policy.hpp"

namespace ofa::runtime {

// Which constraint to give up when no level meets both the latency target and the accuracy floor.
enum class Preference { Latency, Accuracy };

struct PolicyConfig {
  double target_ms = 0;                // latency target per inference
  std::optional<double> min_accuracy;  // accuracy floor
  // A level is expected to meet the target when slowdown * latency <= target * (1 - margin).
  double margin = 0.1;
  // Weight of the newest slowdown sample in the exponential average (0 < smoothing <= 1).
  double smoothing = 0.5;
  // Samples are the median of this many latest ratios at one level. 1 (the default) reacts to
  // the first slow frame: missing the target costs more than a short dip in accuracy, and the
  // hysteresis already keeps a spike from causing more than one down-and-up. 3 ignores single spikes.
  int spike_window = 1;
  // A better level must have been expected to meet the target this long before stepping up.
  double up_after_s = 0.5;
  // A level stepped up to and left for latency within `probation_s` was overestimated (its
  // table figure is off, or the headroom was noise): it is barred for up_after_s * 2^failures,
  // at most `max_backoff_s`, so the runtime does not oscillate around it.
  double probation_s = 1.0;
  double max_backoff_s = 8.0;
  Preference prefer = Preference::Latency;
};

// A pure policy: fed each inference's latency at the current level, it picks the next level.
// It estimates the device's current slowdown (measured / the level's table latency,
// median-filtered then smoothed), drops at once to the most accurate level expected to meet
// the target, and steps up only after the headroom has lasted `up_after_s` (to levels not
// barred after a failed step up). It never goes below the accuracy floor unless told to
// prefer latency when no level meets both.
class SlowdownPolicy : public LevelPolicy {
 public:
  // Levels sorted fastest first (a library's order). Starts at the best level for slowdown 1.
  SlowdownPolicy(std::vector<LevelSpec> levels, PolicyConfig config, Clock clock = steady_clock_seconds());

  Decision observe(double latency_ms) override;

  int level() const override { return level_; }
  double slowdown() const { return slowdown_; }
  unsigned breaking() const { return breaking_; }
  const PolicyConfig& config() const { return config_; }
  const std::vector<LevelSpec>& levels() const override { return levels_; }
  double target_ms() const override { return config_.target_ms; }
  std::string name() const override { return kOfaToolchainPolicy; }

  // Take effect at the next observe(); a tighter target or a higher floor switches at once.
  void set_target(double target_ms) override;
  void set_min_accuracy(std::optional<double> min_accuracy) override;

  // The level the policy would choose for a given slowdown, ignoring hysteresis.
  int choose(double slowdown) const;
  // The constraints a level is expected to break at a given slowdown (the target without margin).
  unsigned breaks(int level, double slowdown) const;

 private:
  bool accurate_enough(int level) const;

  std::vector<LevelSpec> levels_;
  PolicyConfig config_;
  Clock clock_;
  int level_ = 0;
  double slowdown_ = 1;
  bool have_estimate_ = false;
  unsigned breaking_ = kBreaksNothing;
  std::optional<double> headroom_since_;
  std::deque<double> recent_;
  // Stepping up: when the current level was entered from below, and per-level backoff.
  std::optional<double> entered_up_at_;
  std::vector<int> failures_;
  std::vector<double> barred_until_;
};

// Throws Error naming the setting when a config is unusable (NaN, non-positive target, ...).
void validate(const PolicyConfig& config, const std::vector<LevelSpec>& levels);

}  // namespace ofa::runtime
