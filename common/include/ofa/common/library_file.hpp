// library.yaml (ofa-library/2, /3 when imported): the runtime's levels, written by `ofa-search pareto` and read by the runtime.
#pragma once
#include "ofa/common/precision.hpp"
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"

#include "ofa/common/measurement_setup.hpp"

namespace ofa::common {

// One level of a library: an architecture the runtime can switch to.
struct Level {
  int candidate_id = 0;            // the row of the measured file it came from
  common::ArchConfig arch;
  double accuracy = 0;
  std::string accuracy_source;     // predicted | measured
  double latency_median_ms = 0;    // measured on the device
  double latency_p90_ms = 0;
  std::optional<double> predicted_latency_ms;  // the LUT's figure, when the search had one
  double macs_m = 0, params_m = 0;
  std::string bn;                  // BN statistics file (.pt, relative to the library file); "" for none
  std::string engine;              // the engine it was measured on, in a library whose engine is auto; "" otherwise
  ItemPrecision precision;         // fp32, or int8 with its calibration file (relative to the library file)
};

// library.yaml (format ofa-library/2, or /3 with latency_device and imported_from; docs/formats.md; /1 is read too): the measured Pareto front, fastest
// level first; every level is faster and more accurate than the one before.
struct LibraryFile : MeasurementSetup {
  int format_version = 2;          // 1: a relative `weights` meant the working directory (see weights_path)
  std::string measured;            // the measured file the front was taken from
  std::string accuracy_source;     // predicted | measured
  // Set in a library whose latencies were not measured by this toolchain (ofa-library/3): the
  // device they come from (`ofa-search import-dynamic-ofa --latency-device`), and the file
  // imported. `device` then names where the levels run here; re-timing the levels here
  // (ofa-measure latency --library) clears both.
  std::string latency_device;
  std::string imported_from;
  std::vector<Level> levels;
};

std::string format_library_yaml(const LibraryFile& library);

// The supernet file a library names, for the library read from `library_file`: a relative
// path is relative to the library's folder, as its BN files are (ofa-library/1 files, written
// before that rule, meant the working directory). Empty for "random".
std::filesystem::path weights_path(const LibraryFile& library, const std::filesystem::path& library_file);
// `weights` (as given from the working directory) as a library written to `library_file`
// records it: relative to that folder when relative, unchanged when absolute or "random".
std::string weights_for_library(const std::string& weights, const std::filesystem::path& library_file);

// A path given relative to folder `from`, made relative to folder `to` (absolute ones unchanged).
std::string rebase_relative(const std::string& path, const std::filesystem::path& from, const std::filesystem::path& to);
// Reads and checks a library: the format, every key, every architecture against its space,
// and that levels are sorted fastest first and non-dominated. Errors name the file, the
// level and the key.
LibraryFile read_library(const std::filesystem::path& file);

// Throws Error (prefixed by `where`) unless latency and accuracy both rise strictly from one
// level to the next: sorted fastest first, and no level dominated by another.
void check_levels(const std::vector<Level>& levels, const std::string& where);

}  // namespace ofa::common
