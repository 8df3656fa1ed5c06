// How well a latency predictor does on held-out networks: quality.yaml and quality.svg.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace ofa::search {

// How well a latency predictor does on networks never used to fit it.
struct PredictionQuality {
  double spearman = 0, mape = 0, within_10pct = 0;  // within_10pct: the fraction within ±10 %
};
PredictionQuality prediction_quality(const std::vector<double>& predicted, const std::vector<double>& measured);

// quality.yaml of `ofa-measure latency-model` (format ofa-latency-model-quality/1): the
// model, the raw per-layer table and its linear calibration on the held-out networks, beside
// the machine's retest floor (the half-split agreement of the same measurements).
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

// The SVG scatter of predicted against measured latency on the held-out networks: the model
// and the table, the diagonal and the ±10 % band (predicted between 0.9 and 1.1 x measured).
std::string plot_quality_svg(const std::vector<double>& measured, const std::vector<double>& model, const std::vector<double>& table,
                             const std::string& title);

}  // namespace ofa::search
