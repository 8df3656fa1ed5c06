// ofa-engine-verdicts/1: what each engine's self-check found on one machine (docs/formats.md).
// Kept in the user's cache folder, one file per machine key (engine_verdicts.hpp).
#pragma once
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace ofa::common {

struct EngineVerdictRecord {
  std::string engine;   // "optimized"
  std::string device;   // "cpu", "cuda"
  bool right = false;
  std::string reason;   // why it was refused (empty when right)
  double max_error = 0;
  double tolerance = 0;
  double check_seconds = 0;  // the child's wall time for this engine
};

struct EngineVerdictsFile {
  // What the verdicts hold for, in order (cpu, arch, cpu_flags, libtorch, onednn, onnxruntime, device,
  // checker, check): a file whose machine differs from this machine's is not used.
  std::vector<std::pair<std::string, std::string>> machine;
  std::vector<EngineVerdictRecord> engines;
};

std::string format_engine_verdicts_yaml(const EngineVerdictsFile& f);
// Error naming the file and key for anything malformed, unknown or missing.
EngineVerdictsFile read_engine_verdicts(const std::filesystem::path& file);

}  // namespace ofa::common
