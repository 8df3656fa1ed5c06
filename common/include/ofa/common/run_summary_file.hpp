// The summary of an adaptive run (format ofa-run-summary/1, JSON; docs/formats.md).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ofa::common {

inline constexpr const char* kRunSummaryFormat = "ofa-run-summary/1";

// When competing work ran, in seconds since the run began.
struct ContentionWindow {
  double start_s = 0, end_s = 0;
};

// The figures `ofa-runtime run` reports (docs/runtime.md defines each).
struct RunSummary {
  std::int64_t frames = 0;
  int switches = 0;
  double duration_s = 0;
  double met_fraction = 0;
  double met_fraction_after_settle = 0;  // leaving out frames between contention onset and recovery
  std::optional<double> contention_met_fraction;  // during contention, after recovery
  std::optional<double> recovery_s;      // contention onset -> target met again (null: never)
  std::optional<double> return_s;        // contention end -> back at the level held before it
  double mean_accuracy = 0;
  double switch_p50_ms = 0, switch_p99_ms = 0, switch_max_ms = 0;
  double decision_p50_us = 0, decision_p99_us = 0;
  double max_gap_ms = 0;                 // longest time between one frame's end and the next one's start
  int levels = 0;
  std::vector<std::int64_t> frames_per_level;
  std::optional<ContentionWindow> contention;
  double target_ms = 0;
  std::string policy = "ofa-toolchain";  // the level policy that ran (--policy)
};

// One JSON object, keys in a fixed order; an absent figure is null.
std::string format_run_summary_json(const RunSummary& summary);

}  // namespace ofa::common
