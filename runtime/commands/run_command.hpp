// `ofa-runtime run`: synthetic frames served through a library's levels under the adaptive policy.
#pragma once
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include "ofa/runtime/adaptive/run_summary.hpp"
#include "ofa/runtime/adaptive/runtime_manager.hpp"
#include "ofa/common/reporter.hpp"

namespace ofa::runtime {

// `ofa-runtime run`: serve synthetic frames back to back through an AdaptiveNetwork.
struct RunOptions {
  std::filesystem::path library;           // a library, or
  std::optional<std::filesystem::path> bundle;  // a bundle (ofa-runtime export's folder)
  std::optional<std::filesystem::path> weights;
  std::string device = "cpu";
  std::string engine;                      // "" (each level on the engine the library names) | optimized | onnxruntime | eager
  std::string ort_provider;                // "" (the provider the library was measured with) | cpu | cuda | tensorrt
  std::optional<int> threads;              // absent: the threads the library was measured with; 0: LibTorch's default
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

struct RunReport {
  RunSummary summary;
  std::string text;  // the setup line and the summary, as the tool prints them
};
// Runs, writes the requested files (each atomically, and also when stopped through `cancel`:
// what was served) and returns the summary; `reporter` gets a line per second of progress.
RunReport run_adaptive(const RunOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
