// `ofa-search predict`: predicted accuracy, latency, MACs and parameters of architectures in a file.
#pragma once
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/search/evaluator.hpp"
#include "ofa/search/profile_evaluator.hpp"

namespace ofa::search {

struct PredictOptions {
  std::filesystem::path profile;
  std::filesystem::path archs;
  std::optional<std::filesystem::path> out;  // stdout when absent
  std::string format = "yaml";               // yaml | csv
  std::string data_dir;                      // --data-dir ("" = OFA_DATA_DIR or the default)
  int threads = 0;
};

struct PredictResult {
  std::string name;
  common::ArchConfig arch;
  Evaluation eval;
};

// Scores every architecture of the file.
std::vector<PredictResult> predict(const Evaluator& evaluator, const std::vector<common::NamedArch>& archs, int threads);

// YAML: name -> {predicted_accuracy, latency_ms, macs_m, params_m, ks, e, d, r}; fields the
// profile cannot give (no predictor, no LUT) are left out. CSV: one row per architecture.
std::string format_predictions_yaml(const std::vector<PredictResult>& results);
std::string format_predictions_csv(const std::vector<PredictResult>& results);

// `ofa-search predict`: writes the results to options.out (atomically) and returns "", or
// without --out returns them (the tool prints them).
std::string run_predict(const PredictOptions& options);

}  // namespace ofa::search
