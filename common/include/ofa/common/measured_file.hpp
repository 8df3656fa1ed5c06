#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/lut_file.hpp"
#include "ofa/common/timing_stats.hpp"
#include "ofa/common/candidates_file.hpp"

namespace ofa::common {

// One re-measured candidate: the predicted fields carried over, plus the measurement.
struct MeasuredRow {
  CandidateRow candidate;
  common::TimingStats measured;
  // Top-1 accuracy from an evaluation outside this toolchain (for example OFA's ImageNet
  // validation), added to the file by the user; `ofa-search pareto --accuracy measured` reads it.
  std::optional<double> measured_accuracy;
};

// measured.yaml (format ofa-measured/1, docs/formats.md).
struct MeasuredFile {
  std::string candidates;     // the candidates file measured
  std::string profile_name;
  std::string space;
  bool elastic_kernel = false;
  std::string machine;
  std::string libtorch;
  std::string device;
  std::string engine = "eager";  // how the networks ran: eager | optimized (files before the key: eager)
  bool allow_tf32 = true;        // TF32 allowed on CUDA (files before the key: LibTorch's default, allowed)
  int threads = 0, batch = 1, warmup = 0, repeats = 0;
  std::string weights;        // "random" or the supernet file
  std::optional<LutCalibration> lut_calibration;  // carried from the candidates: their latency_ms used it
  std::vector<MeasuredRow> rows;
};

std::string format_measured_yaml(const MeasuredFile& f);
MeasuredFile read_measured(const std::filesystem::path& file);

}  // namespace ofa::common
