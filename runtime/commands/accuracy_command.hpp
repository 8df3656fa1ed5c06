// `ofa-measure accuracy`: BN recalibration and top-1/top-5 per row of a measured file.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "ofa/common/measured_file.hpp"
#include "ofa/common/shard.hpp"
#include "ofa/runtime/measure/device_options.hpp"
#include "ofa/runtime/quant/activation_ranges.hpp"
#include "ofa/search/candidate_selection.hpp"
#include "ofa/common/reporter.hpp"

namespace ofa::runtime {

// `ofa-measure accuracy`: per selected row of a measured file, OFA's BN recalibration on
// calibration images, then top-1 and top-5 on an ImageNet folder, written as the row's
// measured_accuracy, top5, accuracy_images and bn (its BN file, in <out stem>_bn/ beside
// the output). Rows are grouped by resolution: each image is decoded and transformed once
// per resolution, every network of the group runs on it (nothing is cached beyond a batch).
struct AccuracyOptions {
  std::filesystem::path measured;
  search::CandidateSelection selection;           // --spread N spreads over the measured latency
  std::optional<std::filesystem::path> weights;   // supernet; random weights (seeded) when absent
  std::filesystem::path val_images;
  std::int64_t limit = 0;                          // 0: every image; else N spread evenly over the sorted list
  std::optional<std::filesystem::path> calib_images;  // OFA's BN recalibration on these images
  bool no_recalibrate = false;                     // the supernet's BN statistics instead: one of the two must be chosen
  int calib_count = 2000, calib_batch = 200;
  std::uint64_t seed = 0;                          // calibration draw and augmentation; random weights
  int batch_size = 100;                            // evaluation batch
  int decode_threads = 0;                          // 0: all cores
  std::string classes, data_dir;
  bool skip_unreadable = false;
  bool resume = false;
  // device, engine, threads; accuracy is the same on every engine (within 1e-4 of OFA's
  // logits), so it evaluates on the optimized one (auto, which chooses by timing, does too).
  DeviceOptions device{.engine = "optimized"};
  std::filesystem::path out;                       // with a shard: the part file ("%p": the part's index)
  // Part I of N (docs/cluster.md): this process evaluates its cells of candidates x image ranges
  // and writes a part file (common/accuracy_part_file.hpp) for `ofa-measure merge`. Absent: the
  // part the launcher's environment gives (Slurm array, srun, mpirun), else the whole job.
  // 0/1 is the whole job (a measured file), also inside a launcher's tasks.
  std::optional<common::Shard> shard;
  // Rows evaluated: those at these precisions (fp32, int8 or both; the rows `ofa-measure
  // latency --precision` made). An int8 row runs as its QDQ model on ONNX Runtime, its ranges
  // calibrated (after BN recalibration) on the calibration images by calib_method; its
  // calibration file goes to <out stem>_int8/ beside the output.
  std::string precision = "fp32,int8";
  RangeMethod range_method;  // --calib-method, --calib-percentile
};

struct AccuracyReport {
  common::MeasuredFile file;  // as written
  std::string text;           // what was evaluated and how fast, as the tool prints it
};
// Writes `out` after every resolution group (atomically); returns the file written (for a part,
// the measured file's rows unchanged and `text` saying what the part evaluated).
AccuracyReport run_accuracy(const AccuracyOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
