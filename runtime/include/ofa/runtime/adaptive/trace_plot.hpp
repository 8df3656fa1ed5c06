// The SVG of a run: latency over time coloured by level, the target and the contention window.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ofa/runtime/adaptive/run_summary.hpp"

namespace ofa::runtime {

// An SVG of latency over time, one dot per frame coloured by level, with the target line and
// the contention interval shaded (the layout of Dynamic-OFA's runtime trace).
std::string plot_trace_svg(const std::vector<FrameRecord>& frames, const std::vector<LevelSpec>& levels,
                           std::optional<ContentionWindow> contention, const std::string& title);

}  // namespace ofa::runtime
