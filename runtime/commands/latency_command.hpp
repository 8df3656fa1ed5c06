// `ofa-measure latency`: end-to-end latency of a search's candidates on the device.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "ofa/common/measured_file.hpp"
#include "ofa/runtime/measure/device_options.hpp"
#include "ofa/runtime/quant/activation_ranges.hpp"
#include "ofa/search/candidate_selection.hpp"
#include "ofa/common/reporter.hpp"

namespace ofa::runtime {

// `ofa-measure latency`: end-to-end forward latency of candidates on a device.
struct MeasureLatencyOptions {
  DeviceOptions device;
  std::filesystem::path candidates;
  std::filesystem::path out;
  search::CandidateSelection selection;  // --only-front, --top, --spread (over the predicted latency, else MACs)
  int batch = 1;
  // Interleaved rounds: the device's repeats are spread over `rounds` rounds, every candidate
  // of a chunk timed once per round in a shuffled order (seeded); the median over rounds is
  // each candidate's median_ms, and the first half of the rounds against the second is the
  // machine's noise, written as `noise`.
  int rounds = 5;
  int chunk = 16;                  // candidates built and interleaved together
  std::uint64_t seed = 0;
  std::string pin_cpus;            // CPU affinity while measuring ("" leaves it)
  bool resume = false;
  std::optional<std::filesystem::path> weights;  // supernet; random weights when absent
  // Precisions each candidate is timed at: "fp32", "int8" or a list "fp32,int8" (a row per
  // candidate and precision). An int8 row times the candidate's QDQ model on ONNX Runtime
  // (whatever --engine), its ranges calibrated on calib_images (drawn and augmented as for BN
  // recalibration, with `seed`); its calibration file is written to <out stem>_int8/.
  std::string precision = "fp32";
  std::optional<std::filesystem::path> calib_images{};
  int calib_count = 2000, calib_batch = 200;
  RangeMethod range_method{};  // --calib-method, --calib-percentile
  std::string classes{}, data_dir{};
};

// Measures and writes `out` after every candidate (atomically); with `resume`, candidates
// already in `out` (same id and architecture, same settings) are kept and skipped.
common::MeasuredFile run_measure_latency(const MeasureLatencyOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
