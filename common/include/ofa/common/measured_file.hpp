// measured.yaml (ofa-measured/1): candidates re-measured on the device, with their accuracy when evaluated.
#pragma once
#include "ofa/common/precision.hpp"
#include <filesystem>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/lut_file.hpp"
#include "ofa/common/timing_stats.hpp"
#include "ofa/common/candidates_file.hpp"

#include "ofa/common/measurement_setup.hpp"

namespace ofa::common {

// One re-measured candidate: the predicted fields carried over, plus the measurement.
struct MeasuredRow {
  CandidateRow candidate;
  common::TimingStats measured;
  // Top-1 accuracy from an evaluation outside this toolchain (for example OFA's ImageNet
  // validation), added to the file by the user; `ofa-search pareto --accuracy measured` reads it.
  std::optional<double> measured_accuracy;
  // Written by `ofa-measure accuracy` beside measured_accuracy (top-1): top-5, how many
  // images were evaluated, and the recalibrated BN file (relative to the measured file's
  // folder; "" when the supernet's statistics were used).
  std::optional<double> top5;
  std::int64_t accuracy_images = 0;
  std::string bn;
  // The engine this row was timed on, in a file whose engine is auto (the fastest of those
  // timed); "" otherwise (the file's engine).
  std::string engine;
  // fp32, or int8 with its calibration file (relative to the measured file's folder): a
  // candidate measured at two precisions is two rows.
  ItemPrecision precision;
};

// How `ofa-measure accuracy` measured the rows' accuracy (one setting for the whole file, so
// `--resume` can refuse to mix settings).
struct AccuracySetup {
  std::string weights;        // the supernet file, or "random"
  std::string val_images;     // the evaluation folder
  std::int64_t limit = 0;     // images evaluated per row (0: all)
  std::string calibration;    // "images" (OFA's calib_bn) or "none" (the supernet's statistics)
  std::string calib_images;   // the calibration folder ("" without calibration)
  int calib_count = 0, calib_batch = 0;
  std::uint64_t seed = 0;
  bool operator==(const AccuracySetup&) const = default;
};
// As a YAML flow mapping ({weights: ..., seed: N}), and read back from one (errors prefixed by `where`).
std::string format_accuracy_setup(const AccuracySetup& setup);
AccuracySetup read_accuracy_setup(const YAML::Node& node, const std::string& where);

// The machine's own noise during a measurement: per-candidate medians of the first half of
// the rounds against the second half.
struct MeasurementNoise {
  double spearman = 0;
  double mape = 0;  // %
  int items = 0;
};

// measured.yaml (format ofa-measured/1, docs/formats.md).
struct MeasuredFile : MeasurementSetup {
  std::string candidates;     // the candidates file measured
  int warmup = 0, repeats = 0;
  int rounds = 1;                       // interleaved rounds (files before the key: 1)
  std::optional<MeasurementNoise> noise;  // the half-split noise of the rows measured last (rounds >= 2)
  std::optional<LutCalibration> lut_calibration;  // carried from the candidates: their latency_ms used it
  std::optional<AccuracySetup> accuracy_setup;     // set by `ofa-measure accuracy`
  std::vector<MeasuredRow> rows;
};

std::string format_measured_yaml(const MeasuredFile& f);
MeasuredFile read_measured(const std::filesystem::path& file);

}  // namespace ofa::common
