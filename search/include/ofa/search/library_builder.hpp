// The library from a measured file: the measured front, thinned to K levels.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "ofa/common/library_file.hpp"
#include "ofa/common/measured_file.hpp"

namespace ofa::search {

enum class AccuracySource { Predicted, Measured };

// The measured Pareto front on (median latency, accuracy), sorted fastest first, then
// thinned to `levels` levels spread over its latency range (0: keep the whole front).
// Equal points keep the lower candidate id. Measured accuracy must be present on every row.
common::LibraryFile build_library(const common::MeasuredFile& measured, const std::string& measured_path, int levels, AccuracySource source);

// Indices (ascending) of `count` of the sorted latencies, spread over their range: the
// fastest, the slowest, and between them the nearest to evenly spaced latencies.
std::vector<std::size_t> spread_levels(const std::vector<double>& sorted_latencies, std::size_t count);


}  // namespace ofa::search
