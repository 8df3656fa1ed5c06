// LevelPolicy: what the runtime needs of a policy that picks a level per frame, so `ofa-runtime
// run` can serve either ours (SlowdownPolicy) or Dynamic-OFA's (DynamicOfaPolicy).
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ofa::runtime {

// What a policy knows of a level: its latency on the device when nothing competes
// (the library's measured median) and its accuracy.
struct LevelSpec {
  double latency_ms = 0;
  double accuracy = 0;
};

// Bit flags: the constraints the chosen level is expected to break.
enum Breaking : unsigned { kBreaksNothing = 0, kBreaksLatency = 1, kBreaksAccuracy = 2 };
std::string describe_breaking(unsigned breaking);

// Seconds on a monotonic clock; injectable so a policy is tested without sleeping.
using Clock = std::function<double()>;
Clock steady_clock_seconds();

struct Decision {
  int level = 0;           // the level to run next
  int previous = 0;        // the level that just ran
  bool switched = false;   // level != previous
  unsigned breaking = kBreaksNothing;
  double slowdown = 1;     // measured / table latency (smoothed where the policy smooths)
};

// The names `--policy` accepts.
inline constexpr const char* kOfaToolchainPolicy = "ofa-toolchain";
inline constexpr const char* kDynamicOfaPolicy = "dynamic-ofa";

// A pure policy: fed each inference's latency at the current level, it picks the next level.
class LevelPolicy {
 public:
  virtual ~LevelPolicy() = default;
  virtual Decision observe(double latency_ms) = 0;
  virtual int level() const = 0;
  virtual const std::vector<LevelSpec>& levels() const = 0;
  virtual double target_ms() const = 0;
  // Take effect at the next observe().
  virtual void set_target(double target_ms) = 0;
  virtual void set_min_accuracy(std::optional<double> min_accuracy) = 0;
  virtual std::string name() const = 0;  // as `--policy` spells it
};

struct PolicyConfig;
// The policy `name` names (kOfaToolchainPolicy or kDynamicOfaPolicy) over `levels`, with the
// target, floor and (for ours) tuning of `config`; another name is an Error naming it.
std::unique_ptr<LevelPolicy> make_level_policy(const std::string& name, std::vector<LevelSpec> levels, const PolicyConfig& config,
                                               Clock clock = steady_clock_seconds());

}  // namespace ofa::runtime
