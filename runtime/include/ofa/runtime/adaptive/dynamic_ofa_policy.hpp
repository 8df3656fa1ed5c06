// DynamicOfaPolicy: Dynamic-OFA's runtime manager (UoS-EEC/DynamicOFA, runtime_demo/), ported as a
// pure policy so it runs beside ours on the same frames.
#pragma once
#include <deque>
#include <optional>
#include <vector>

#include "ofa/runtime/adaptive/level_policy.hpp"

namespace ofa::runtime {

// The rules, read from runtime_demo/runtime_adjustment/run.sh, test2.py (picknet) and
// imagenet_eval_helper.py (validate) at UoS-EEC/DynamicOFA's master:
// - Each level runs in a fresh Python process (run.sh calls test2.picknet per level), so the
//   frame counter `i`, the latency record and the warm-up restart at every switch.
// - Frames i <= 20 after a switch are not looked at (`if i > 20:`): `warmup_frames` = 21.
// - A frame of 90 ms or more is left out of the record (`if (ed-st)*1000 < 90`); their
//   constraint was 60 ms, so `outlier_ratio` = 1.5 reproduces it; 0 (the default) keeps every frame,
//   since with it a slowdown past 1.5x the target would never step down.
// - Violation: sum(record[-20:]) / 20 > constraint, checked at every recorded frame. The sum is
//   divided by 20 even while the record holds fewer frames, so a large slowdown can step down
//   before 20 frames are recorded; a small one needs all 20. Then one level down.
// - Accuracy: picknet writes judge.txt = True when the level's top-1 is below int(accuracy);
//   validate then returns "step up" once more than 20 frames of i > 50 are logged, i.e. at
//   frame i = 71 (`accuracy_after_frames` = 72), unless that frame violated latency first.
// - A full pass over their validation folder without either returns top-1, which run.sh reads
//   as "step up" too. The folder's size is not in the repository; `up_after_frames` defaults to
//   41 (the warm-up plus one full 20-frame window: the first moment a whole window has been
//   seen without violation), which only makes them climb back sooner than their demo did.
// - run.sh stops when the level leaves [0, top]; a runtime has to keep serving, so here a step
//   past either end keeps the level (and restarts the window, as a relaunch would).
// The latency constraint is the run's target; the accuracy constraint is the floor.
struct DynamicOfaConfig {
  double target_ms = 0;
  std::optional<double> min_accuracy;
  int window = 20;
  int warmup_frames = 21;
  int accuracy_after_frames = 72;
  int up_after_frames = 41;
  double outlier_ratio = 0;            // > 0: frames >= outlier_ratio * target are not recorded
  std::optional<int> initial_level;    // default: the most accurate level whose table latency meets the target
};

class DynamicOfaPolicy : public LevelPolicy {
 public:
  // Levels sorted fastest first (a library's order).
  DynamicOfaPolicy(std::vector<LevelSpec> levels, DynamicOfaConfig config);

  Decision observe(double latency_ms) override;
  int level() const override { return level_; }
  const std::vector<LevelSpec>& levels() const override { return levels_; }
  double target_ms() const override { return config_.target_ms; }
  void set_target(double target_ms) override;
  void set_min_accuracy(std::optional<double> min_accuracy) override;
  std::string name() const override { return kDynamicOfaPolicy; }
  const DynamicOfaConfig& config() const { return config_; }
  // Frames seen since the level was entered (their `i`).
  int frames_at_level() const { return frames_; }

 private:
  void step(int delta);

  std::vector<LevelSpec> levels_;
  DynamicOfaConfig config_;
  int level_ = 0;
  int frames_ = 0;
  std::deque<double> record_;
};

// Throws Error naming the setting when a config is unusable.
void validate(const DynamicOfaConfig& config, const std::vector<LevelSpec>& levels);

}  // namespace ofa::runtime
