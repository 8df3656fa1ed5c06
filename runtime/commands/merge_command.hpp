// `ofa-measure merge`: the parts of a sharded accuracy run summed into the measured file one process writes.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace ofa::runtime {

struct MergeOptions {
  std::vector<std::filesystem::path> parts;  // every part 0..N-1 of one job, once
  std::filesystem::path out;                 // the measured file; its BN files go to <out stem>_bn/
};

// Checks that the parts come from one job (the same inputs and settings, by content: measured
// file, weights, image lists, class list, calibration, seed, batch, engine, candidates), that
// each part 0..N-1 is there once, finished, with exactly the cells its index is given, and that
// every part of a candidate computed the same BN statistics (its BN files' SHA-256; each file
// checked against it). Then sums the counts and writes `out` and its BN files all or nothing:
// row for row what `ofa-measure accuracy` writes in one process. Errors are one line naming the
// part (or the missing indices), and write nothing. Returns a one-line summary.
std::string run_merge(const MergeOptions& options);

}  // namespace ofa::runtime
