#include "ofa/runtime/adaptive/level_policy.hpp"

#include "ofa/common/error.hpp"
#include "ofa/runtime/adaptive/dynamic_ofa_policy.hpp"
#include "ofa/runtime/adaptive/slowdown_policy.hpp"

namespace ofa::runtime {

using common::Error;

// Dynamic-OFA's policy takes only the target and the floor: our tuning (margin, smoothing,
// hysteresis) has no counterpart in it.
std::unique_ptr<LevelPolicy> make_level_policy(const std::string& name, std::vector<LevelSpec> levels, const PolicyConfig& config,
                                               Clock clock) {
  if (name == kOfaToolchainPolicy) return std::make_unique<SlowdownPolicy>(std::move(levels), config, std::move(clock));
  if (name == kDynamicOfaPolicy) {
    DynamicOfaConfig c;
    c.target_ms = config.target_ms;
    c.min_accuracy = config.min_accuracy;
    return std::make_unique<DynamicOfaPolicy>(std::move(levels), c);
  }
  throw Error("--policy " + name + ": expected " + kOfaToolchainPolicy + " or " + kDynamicOfaPolicy);
}

}  // namespace ofa::runtime
