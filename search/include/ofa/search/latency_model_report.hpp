// How well a latency predictor does on held-out networks: quality.yaml and quality.svg.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/latency_model_quality_file.hpp"

namespace ofa::search {

// The report's figures and quality.yaml's format live in common (latency_model_quality_file.hpp).
using common::ModelQualityReport;
using common::PredictionQuality;
using common::format_quality_yaml;

PredictionQuality prediction_quality(const std::vector<double>& predicted, const std::vector<double>& measured);

// The SVG scatter of predicted against measured latency on the held-out networks: the model
// and the table, the diagonal and the ±10 % band (predicted between 0.9 and 1.1 x measured).
std::string plot_quality_svg(const std::vector<double>& measured, const std::vector<double>& model, const std::vector<double>& table,
                             const std::string& title);

}  // namespace ofa::search
