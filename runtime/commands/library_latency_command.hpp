// `ofa-measure latency --library`: a library's levels re-timed on this device.
#pragma once
#include <filesystem>
#include <string>

#include "ofa/common/library_file.hpp"
#include "ofa/common/reporter.hpp"
#include "runtime/commands/latency_command.hpp"

namespace ofa::runtime {

struct RetimeLibraryOptions {
  MeasureLatencyOptions measure;  // device, rounds, seed, batch, --out (the library written), --weights
  std::filesystem::path library;  // the library whose levels are timed
};

// Times every level of `library` as the runtime builds it (its supernet, its BN file) in
// interleaved rounds on this device, and writes `measure.out`: the same levels with this
// device's median and p90 latency and this measurement's setup (device, engine, threads, batch,
// machine, LibTorch), as an ofa-library/2 file (an imported library's latency_device and
// imported_from are dropped: its figures are now this device's). Weights and BN paths are
// rebased to the new file's folder. A level that is no longer faster than every more accurate
// level here is dropped (the runtime needs latency and accuracy rising together), and the
// summary names it. Nothing is written on error or Ctrl-C. Returns a summary.
std::string run_retime_library(const RetimeLibraryOptions& options, const common::Reporter& reporter = {});

// `ofa-measure latency` as the tool runs it: with `library`, its levels re-timed; without,
// `measure.candidates` measured (exactly one of the two, an Error otherwise). Returns the summary.
std::string run_latency(const RetimeLibraryOptions& options, const common::Reporter& reporter = {});
// The levels kept after re-timing: in accuracy order, each strictly faster than every more
// accurate level (levels in `levels` are sorted by accuracy, rising). Indices into `levels`.
std::vector<std::size_t> levels_still_on_front(const std::vector<common::Level>& levels);

}  // namespace ofa::runtime
