// `ofa-measure calibrate`: a linear calibration of a latency table against measured latencies.
#pragma once
#include <filesystem>
#include <string>

namespace ofa::runtime {

struct CalibrateOptions {
  std::filesystem::path lut;
  std::filesystem::path measured;
  bool into_data_dir = false;  // write into the shipped data folder too
  std::string data_dir;  // --data-dir: the data folder to protect ("" = the default resolution)
};

// Fits measured median = a * (uncalibrated LUT sum) + b over the measured candidates, writes
// <lut>/calibration.yaml, and returns a report (points, Spearman, MAPE before and after).
// A table inside the data folder is shared by every profile that points at it: refused
// unless `into_data_dir` (copy the table to a folder of your own instead).
std::string run_calibrate(const CalibrateOptions& options);

}  // namespace ofa::runtime
