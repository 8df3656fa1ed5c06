// `ofa-runtime run`: synthetic frames served through a library's levels under the adaptive policy.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "ofa/runtime/adaptive/run_summary.hpp"
#include "ofa/runtime/adaptive/slowdown_policy.hpp"
#include "ofa/common/reporter.hpp"
#include "ofa/runtime/measure/device_options.hpp"

namespace ofa::runtime {

// `ofa-runtime run`: serve synthetic frames back to back through an AdaptiveNetwork.
struct RunOptions {
  std::filesystem::path library;           // a library, or
  std::optional<std::filesystem::path> bundle;  // a bundle (ofa-runtime export's folder)
  std::optional<std::filesystem::path> weights;
  // Empty or absent fields are the library's (bundle's): engine "" each level on the engine
  // recorded for it; ort_provider "" the provider it was measured with; threads absent: the
  // threads it was measured with (0: LibTorch's default); allow_tf32 true: TF32 on CUDA whatever
  // it says, false: as measured. warmup: forwards per level at load; repeats is not used.
  DeviceOptions device{.engine = "", .ort_provider = "", .warmup = 5};
  PolicyConfig policy;                     // target_ms is required
  std::string policy_name = kOfaToolchainPolicy;  // --policy: ofa-toolchain | dynamic-ofa
  double duration_s = 10;
  std::optional<std::string> contention;   // "at=2s,threads=2,for=5s"
  std::optional<std::filesystem::path> trace;         // .csv, or .jsonl for JSON lines
  std::optional<std::filesystem::path> plot;          // .svg
  std::optional<std::filesystem::path> summary_json;
  std::uint64_t seed = 0;
  // Every level at this precision, as AdaptiveOptions says (fp32 | int8; absent: each its own).
  std::optional<std::string> precision;
  bool convert_precision = false;
};

struct RunReport {
  RunSummary summary;
  std::string text;  // the setup line and the summary, as the tool prints them
};
// Runs, writes the requested files (each atomically, and also when stopped through the reporter's cancel flag:
// what was served) and returns the summary; `reporter` gets a line per second of progress.
RunReport run_adaptive(const RunOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
