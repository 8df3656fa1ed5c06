// Which engines are right on this machine: each engine's check (engine_check.hpp) run once per
// machine in a child process (ofa-engine-check) and its verdict kept in the user's cache folder,
// keyed by the CPU, LibTorch, oneDNN, ONNX Runtime and the checker itself. An engine that crashed
// or answered wrongly is refused wherever it would serve or be timed (Engine's constructor, auto,
// a library's recorded engine), with one line saying why. docs/engines.md.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "ofa/runtime/engine/engine.hpp"

namespace ofa::runtime {

struct EngineVerdict {
  EngineKind kind = EngineKind::Optimized;
  std::string device;      // "cpu", "cuda:0"
  bool right = false;
  std::string reason;      // one line, starting with the engine's name (empty when right)
  double max_error = 0, tolerance = 0, check_seconds = 0;
  // False for a verdict that says nothing of the engine itself (its check could not run, was
  // killed from outside or ran past its limit): it refuses the engine in this process only.
  bool kept = true;
};

struct EngineCheckSettings {
  // The check program; empty: $OFA_ENGINE_CHECK, else ofa-engine-check beside this program, in
  // the build's bin/ or in the install's libexec/ofa-toolchain/.
  std::filesystem::path checker;
  // Arguments before the check's own (a scripted checker in tests).
  std::vector<std::string> checker_args;
  // Where verdicts are kept; empty: $OFA_CACHE_DIR, else $XDG_CACHE_HOME/ofa-toolchain, else
  // ~/.cache/ofa-toolchain.
  std::filesystem::path cache_dir;
  double timeout_s = 900;  // per child: a check that hangs is a verdict too
  bool recheck = false;    // ignore kept verdicts (ofa-runtime engines --recheck)
  // Lines for the user (the tools print them on stderr): a check starting, an engine refused.
  // Called with the registry locked: it must not call the registry.
  std::function<void(std::string_view)> note;
};

// The named registry of verdicts for this process (one per device and ONNX Runtime provider).
class EngineVerdicts {
 public:
  static EngineVerdicts& registry();

  // Replaces the settings and forgets every verdict known so far.
  void configure(EngineCheckSettings settings);
  EngineCheckSettings settings() const;
  // Where notes go (EngineCheckSettings::note), keeping everything else.
  void set_note(std::function<void(std::string_view)> note);
  // In the checker itself: every engine runs unchecked (it is the check).
  void trust_all();

  // The verdict on `kind` for `device` (and `provider`, for onnxruntime): kept, or checked now
  // (every engine of this build for that device in one child, a few seconds once per machine).
  EngineVerdict verdict(EngineKind kind, const torch::Device& device = torch::kCPU, OrtProvider provider = OrtProvider::Cpu);
  // Every engine this build has for `device`, checked.
  std::vector<EngineVerdict> verdicts(const torch::Device& device = torch::kCPU, OrtProvider provider = OrtProvider::Cpu);
  // Error(reason) when `kind` is refused here.
  void require(EngineKind kind, const torch::Device& device = torch::kCPU, OrtProvider provider = OrtProvider::Cpu);

  // What the kept verdicts hold for (cpu, arch, cpu_flags, libtorch, onednn, onnxruntime, device,
  // checker, check) and the file they are kept in for `device` and `provider`.
  std::vector<std::pair<std::string, std::string>> machine_key(const torch::Device& device, OrtProvider provider) const;
  std::filesystem::path cache_file(const torch::Device& device, OrtProvider provider) const;
  // The checker this process would run ("" when none is found).
  std::filesystem::path checker() const;

 private:
  std::vector<EngineVerdict> load_or_check(const torch::Device& device, OrtProvider provider);
  void say(const std::string& line) const;

  mutable std::mutex mutex_;
  EngineCheckSettings settings_;
  bool trust_all_ = false;
  std::map<std::string, std::vector<EngineVerdict>> known_;  // by device and provider
};

// The engines this build has for `device` (and `provider`), in auto's order, eager first.
std::vector<EngineKind> engines_of_build(const torch::Device& device, OrtProvider provider);

}  // namespace ofa::runtime
