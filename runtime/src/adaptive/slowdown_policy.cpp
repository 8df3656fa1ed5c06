#include "ofa/runtime/adaptive/slowdown_policy.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ofa/common/error.hpp"

namespace ofa::runtime {

using common::Error;

std::string describe_breaking(unsigned b) {
  if (b == kBreaksNothing) return "none";
  if (b == (kBreaksLatency | kBreaksAccuracy)) return "latency+accuracy";
  return b & kBreaksLatency ? "latency" : "accuracy";
}

Clock steady_clock_seconds() {
  return [] { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); };
}

void validate(const PolicyConfig& c, const std::vector<LevelSpec>& levels) {
  if (levels.empty()) throw Error("the runtime needs at least one level");
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (!(levels[i].latency_ms > 0) || !std::isfinite(levels[i].latency_ms))
      throw Error("level " + std::to_string(i) + ": latency " + std::to_string(levels[i].latency_ms) + " ms must be positive");
    if (i > 0 && (levels[i].latency_ms < levels[i - 1].latency_ms || levels[i].accuracy <= levels[i - 1].accuracy))
      throw Error("level " + std::to_string(i) + ": levels must be sorted fastest first, each more accurate than the last");
  }
  if (!(c.target_ms > 0) || !std::isfinite(c.target_ms)) throw Error("latency target " + std::to_string(c.target_ms) + " ms must be positive");
  if (c.min_accuracy && !(*c.min_accuracy >= 0 && *c.min_accuracy <= 1))
    throw Error("accuracy floor " + std::to_string(*c.min_accuracy) + " is not a fraction in [0, 1]");
  if (!(c.margin >= 0 && c.margin < 1)) throw Error("margin " + std::to_string(c.margin) + " must be in [0, 1)");
  if (!(c.smoothing > 0 && c.smoothing <= 1)) throw Error("smoothing " + std::to_string(c.smoothing) + " must be in (0, 1]");
  if (c.spike_window < 1) throw Error("spike window " + std::to_string(c.spike_window) + " must be >= 1");
  if (!(c.up_after_s >= 0) || !std::isfinite(c.up_after_s)) throw Error("up-after " + std::to_string(c.up_after_s) + " s must be >= 0");
  if (!(c.probation_s >= 0) || !std::isfinite(c.probation_s)) throw Error("probation " + std::to_string(c.probation_s) + " s must be >= 0");
  if (!(c.max_backoff_s >= 0) || !std::isfinite(c.max_backoff_s)) throw Error("max backoff " + std::to_string(c.max_backoff_s) + " s must be >= 0");
}

SlowdownPolicy::SlowdownPolicy(std::vector<LevelSpec> levels, PolicyConfig config, Clock clock)
    : levels_(std::move(levels)), config_(config), clock_(std::move(clock)) {
  validate(config_, levels_);
  level_ = choose(1.0);
  breaking_ = breaks(level_, 1.0);
  failures_.assign(levels_.size(), 0);
  barred_until_.assign(levels_.size(), -1e300);
}

void SlowdownPolicy::set_target(double target_ms) {
  PolicyConfig c = config_;
  c.target_ms = target_ms;
  validate(c, levels_);
  config_ = c;
}

void SlowdownPolicy::set_min_accuracy(std::optional<double> min_accuracy) {
  PolicyConfig c = config_;
  c.min_accuracy = min_accuracy;
  validate(c, levels_);
  config_ = c;
}

bool SlowdownPolicy::accurate_enough(int i) const {
  return !config_.min_accuracy || levels_[i].accuracy >= *config_.min_accuracy;
}

unsigned SlowdownPolicy::breaks(int i, double slowdown) const {
  return (slowdown * levels_[i].latency_ms > config_.target_ms ? kBreaksLatency : 0u) | (accurate_enough(i) ? 0u : kBreaksAccuracy);
}

int SlowdownPolicy::choose(double slowdown) const {
  const int n = static_cast<int>(levels_.size());
  const double budget = config_.target_ms * (1 - config_.margin);
  // Levels are sorted by both latency and accuracy, so "meets the target" is a prefix and
  // "meets the floor" a suffix of the level list.
  int best_fast = -1;  // the most accurate level expected to meet the target with the margin
  for (int i = 0; i < n; ++i)
    if (slowdown * levels_[i].latency_ms <= budget) best_fast = i;
  int first_accurate = n;  // the fastest level meeting the floor
  for (int i = n - 1; i >= 0; --i)
    if (accurate_enough(i)) first_accurate = i;
  if (best_fast >= 0 && best_fast >= first_accurate) return best_fast;
  if (config_.prefer == Preference::Accuracy && first_accurate < n) return first_accurate;
  // Preferring latency (or no level meets the floor): the best level meeting the target, else the fastest.
  if (best_fast >= 0) return best_fast;
  return 0;
}

Decision SlowdownPolicy::observe(double latency_ms) {
  Decision d;
  d.previous = level_;
  if (std::isfinite(latency_ms) && latency_ms > 0) {
    recent_.push_back(latency_ms / levels_[level_].latency_ms);
    while (static_cast<int>(recent_.size()) > config_.spike_window) recent_.pop_front();
    std::vector<double> window(recent_.begin(), recent_.end());
    std::nth_element(window.begin(), window.begin() + window.size() / 2, window.end());
    const double sample = window[window.size() / 2];
    slowdown_ = have_estimate_ ? config_.smoothing * sample + (1 - config_.smoothing) * slowdown_ : sample;
    have_estimate_ = true;
  }
  const int ideal = choose(slowdown_);
  const double now = clock_();
  if (entered_up_at_ && now - *entered_up_at_ >= config_.probation_s) {
    failures_[level_] = 0;  // the step up held
    entered_up_at_.reset();
  }
  if (ideal < level_ || (ideal > level_ && !accurate_enough(level_) && accurate_enough(ideal))) {
    // The target (or the floor) is at stake: switch now.
    if (ideal < level_ && entered_up_at_) {
      const int f = ++failures_[level_];
      barred_until_[level_] = now + std::min(config_.max_backoff_s, config_.up_after_s * std::pow(2.0, f));
    }
    entered_up_at_.reset();
    level_ = ideal;
    headroom_since_.reset();
  } else {
    int up = ideal;  // the best level above the current one not barred
    while (up > level_ && barred_until_[up] > now) --up;
    if (up > level_) {
      if (!headroom_since_) headroom_since_ = now;
      if (now - *headroom_since_ >= config_.up_after_s) {
        level_ = up;
        entered_up_at_ = now;
        headroom_since_.reset();
      }
    } else {
      headroom_since_.reset();
    }
  }
  // The spike filter compares ratios of one level; the smoothed estimate carries over.
  if (level_ != d.previous) recent_.clear();
  breaking_ = breaks(level_, slowdown_);
  d.level = level_;
  d.switched = level_ != d.previous;
  d.breaking = breaking_;
  d.slowdown = slowdown_;
  return d;
}

}  // namespace ofa::runtime
