// A part of a sharded accuracy evaluation (`ofa-measure accuracy --shard I/N`; format
// ofa-accuracy-part/1, docs/formats.md): counts per cell, merged exactly by `ofa-measure merge`.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ofa/common/measured_file.hpp"
#include "ofa/common/shard.hpp"

namespace ofa::common {

inline constexpr const char* kAccuracyPartFormat = "ofa-accuracy-part/1";

// What every part of one job must share, by content: a part of another job is refused by the merge.
struct AccuracyPartInputs {
  std::string measured;          // the measured file, absolute
  std::string measured_sha256;   // of its bytes
  std::string weights_sha256;    // of the supernet file, or "random"
  std::string val_sha256;        // of the evaluation list: each image's class, path and size, in order
  std::int64_t val_count = 0;    // images in that list (after --limit)
  std::string calib_sha256;      // of the calibration folder's list, "" without calibration
  std::string classes_sha256;    // of the class list file
  std::int64_t batch = 0;        // the evaluation batch (--val-batch): ranges fall on its boundaries
  std::string engine;            // what evaluated (optimized, ...), on which device and provider,
  std::string device, ort_provider;  // with how many LibTorch threads (0: its default) and TF32 or not:
  int threads = 0;               // anything that can change a logit's last bits is the job's
  bool allow_tf32 = false;
  std::vector<int> candidates;   // the selected rows' candidate ids, in row order
  AccuracySetup setup;           // what the merged file records (as one process records it)
  // Equal as a job: everything but `measured`'s path (nodes may mount the file elsewhere).
  bool same_job(const AccuracyPartInputs& other) const;
};

// One candidate over one range of the evaluation list [first, end): its counts and the BN file
// it was evaluated with (every part of a candidate must have computed the same one).
struct AccuracyCell {
  int candidate = 0;
  std::int64_t first = 0, end = 0;
  std::int64_t images = 0, top1 = 0, top5 = 0;  // images evaluated (unreadable ones skipped are not)
  std::string bn;                               // relative to the part file's folder; "" without calibration
  std::string bn_sha256;
};

struct AccuracyPart {
  Shard shard;
  std::string machine;  // where the part ran (host and CPU): a BN mismatch names both machines
  AccuracyPartInputs inputs;
  std::vector<AccuracyCell> cells;
  bool complete = false;  // every cell of the part evaluated (a part rewritten after each group is not, until its end)
};

std::string format_accuracy_part_yaml(const AccuracyPart& part);
// Reads and checks a part; errors name the file and the key.
AccuracyPart read_accuracy_part(const std::filesystem::path& file);

// The cells of a job: `candidates` x ranges of the evaluation list cut on batch boundaries, as
// many ranges per candidate as it takes to give every part work (1 when there are at least as
// many candidates as parts, so each candidate is calibrated once); cell k goes to part k mod N.
// Returns part `shard.index`'s cells (counts zero), in the order they are listed.
std::vector<AccuracyCell> shard_cells(const std::vector<int>& candidates, std::int64_t images, std::int64_t batch, const Shard& shard);

}  // namespace ofa::common
