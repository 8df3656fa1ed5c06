// The summary of a run from its frames: met fraction, recovery, switches, accuracy served.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/run_summary_file.hpp"
#include "ofa/runtime/adaptive/slowdown_policy.hpp"
#include "ofa/runtime/adaptive/telemetry.hpp"

namespace ofa::runtime {

// The summary's figures and its file format live in common (run_summary_file.hpp).
using common::ContentionWindow;
using common::RunSummary;

// Consecutive frames that must meet the target for it to count as met again.
inline constexpr int kRecoveryStreak = 5;

RunSummary summarize_run(const std::vector<FrameRecord>& frames, const std::vector<LevelSpec>& levels,
                         std::optional<ContentionWindow> contention);

std::string format_summary_text(const RunSummary& summary);

}  // namespace ofa::runtime
