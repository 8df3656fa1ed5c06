#include "ofa/runtime/adaptive/dynamic_ofa_policy.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ofa/common/error.hpp"
#include "ofa/runtime/adaptive/slowdown_policy.hpp"

namespace ofa::runtime {

using common::Error;

void validate(const DynamicOfaConfig& c, const std::vector<LevelSpec>& levels) {
  // The level checks are ours: the same library order and positive latencies.
  PolicyConfig ours;
  ours.target_ms = c.target_ms;
  ours.min_accuracy = c.min_accuracy;
  validate(ours, levels);
  if (c.window < 1) throw Error("dynamic-ofa window " + std::to_string(c.window) + " must be >= 1");
  if (c.warmup_frames < 0) throw Error("dynamic-ofa warm-up " + std::to_string(c.warmup_frames) + " frames must be >= 0");
  if (c.accuracy_after_frames < 1) throw Error("dynamic-ofa accuracy-after " + std::to_string(c.accuracy_after_frames) + " frames must be >= 1");
  if (c.up_after_frames < 1) throw Error("dynamic-ofa up-after " + std::to_string(c.up_after_frames) + " frames must be >= 1");
  if (!(c.outlier_ratio >= 0) || !std::isfinite(c.outlier_ratio))
    throw Error("dynamic-ofa outlier ratio " + std::to_string(c.outlier_ratio) + " must be >= 0");
  if (c.initial_level && (*c.initial_level < 0 || *c.initial_level >= static_cast<int>(levels.size())))
    throw Error("dynamic-ofa initial level " + std::to_string(*c.initial_level) + " is not one of the " + std::to_string(levels.size()) + " levels");
}

DynamicOfaPolicy::DynamicOfaPolicy(std::vector<LevelSpec> levels, DynamicOfaConfig config)
    : levels_(std::move(levels)), config_(config) {
  validate(config_, levels_);
  if (config_.initial_level) {
    level_ = *config_.initial_level;
  } else {
    // run.sh takes its start level by hand; the fair stand-in is the best level the table says meets the target.
    for (int i = 0; i < static_cast<int>(levels_.size()); ++i)
      if (levels_[i].latency_ms <= config_.target_ms) level_ = i;
  }
}

void DynamicOfaPolicy::set_target(double target_ms) {
  DynamicOfaConfig c = config_;
  c.target_ms = target_ms;
  validate(c, levels_);
  config_ = c;
}

void DynamicOfaPolicy::set_min_accuracy(std::optional<double> min_accuracy) {
  DynamicOfaConfig c = config_;
  c.min_accuracy = min_accuracy;
  validate(c, levels_);
  config_ = c;
}

void DynamicOfaPolicy::step(int delta) {
  const int top = static_cast<int>(levels_.size()) - 1;
  level_ = std::clamp(level_ + delta, 0, top);
  // A decision relaunches the level in their demo: the counter and the record start again.
  frames_ = 0;
  record_.clear();
}

Decision DynamicOfaPolicy::observe(double latency_ms) {
  Decision d;
  d.previous = level_;
  const int i = frames_++;  // their 0-based frame index at this level
  const bool below_floor = config_.min_accuracy && levels_[level_].accuracy < *config_.min_accuracy;
  bool violated = false;
  if (i >= config_.warmup_frames && std::isfinite(latency_ms) && latency_ms >= 0 &&
      !(config_.outlier_ratio > 0 && latency_ms >= config_.outlier_ratio * config_.target_ms)) {
    record_.push_back(latency_ms);
    while (static_cast<int>(record_.size()) > config_.window) record_.pop_front();
    // Divided by the window whatever the record holds, as their sum(record[-20:]) / 20.
    const double mean = std::accumulate(record_.begin(), record_.end(), 0.0) / config_.window;
    violated = mean > config_.target_ms;
  }
  if (violated) step(-1);
  else if (below_floor && i + 1 >= config_.accuracy_after_frames) step(+1);
  else if (i + 1 >= config_.up_after_frames) step(+1);
  d.level = level_;
  d.switched = level_ != d.previous;
  d.slowdown = latency_ms / levels_[d.previous].latency_ms;
  d.breaking = (violated ? kBreaksLatency : 0u) |
               (config_.min_accuracy && levels_[level_].accuracy < *config_.min_accuracy ? kBreaksAccuracy : 0u);
  return d;
}

}  // namespace ofa::runtime
