// `ofa-runtime run`: synthetic frames served through a library's levels under the adaptive policy.
#pragma once
#include <atomic>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

#include "ofa/runtime/adaptive/run_summary.hpp"
#include "ofa/runtime/adaptive/runtime_manager.hpp"
#include "ofa/common/reporter.hpp"

namespace ofa::runtime {

// `ofa-runtime run`: serve synthetic frames back to back through an AdaptiveNetwork.
struct RunOptions {
  std::filesystem::path library;
  std::optional<std::filesystem::path> weights;
  std::string device = "cpu";
  std::string engine;                      // "" (each level on the engine the library names) | optimized | onnxruntime | eager
  std::string ort_provider = "cpu";        // the ONNX Runtime engine's provider
  int threads = 0;                         // 0: the threads the library was measured with
  bool allow_tf32 = false;                 // true: TF32 on CUDA whatever the library says; false: as it was measured
  PolicyConfig policy;                     // target_ms is required
  std::string policy_name = kOfaToolchainPolicy;  // --policy: ofa-toolchain | dynamic-ofa
  double duration_s = 10;
  std::optional<std::string> contention;   // "at=2s,threads=2,for=5s"
  std::optional<std::filesystem::path> trace;         // .csv, or .jsonl for JSON lines
  std::optional<std::filesystem::path> plot;          // .svg
  std::optional<std::filesystem::path> summary_json;
  int warmup = 5;
  std::uint64_t seed = 0;
  const std::atomic<bool>* cancel = nullptr;
};

// Runs, writes the requested files (each atomically) and returns the summary; `out` gets the
// summary text, `reporter` a line per second of progress.
RunSummary run_adaptive(const RunOptions& options, std::ostream& out, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
