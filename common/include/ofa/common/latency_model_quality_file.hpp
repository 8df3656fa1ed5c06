// quality.yaml of `ofa-measure latency-model` (format ofa-latency-model-quality/1; docs/formats.md).
#pragma once
#include <optional>
#include <string>

namespace ofa::common {

inline constexpr const char* kLatencyModelQualityFormat = "ofa-latency-model-quality/1";

// How well a latency predictor does on networks never used to fit it.
struct PredictionQuality {
  double spearman = 0, mape = 0, within_10pct = 0;  // within_10pct: the fraction within ±10 %
};

// The model, the raw per-layer table and its linear calibration on the held-out networks,
// beside the machine's retest floor (the half-split agreement of the same measurements).
struct ModelQualityReport {
  int heldout = 0, fitted = 0;
  PredictionQuality model, table, calibrated;
  std::optional<double> retest_spearman, retest_mape;
  std::string prior;    // "table <folder>" or "macs"
  std::string device, engine, machine;
  int threads = 0, rounds = 0, calls = 0, keys = 0, clamped = 0;
  double regularization = 0, seconds = 0;
};

std::string format_quality_yaml(const ModelQualityReport& report);

}  // namespace ofa::common
