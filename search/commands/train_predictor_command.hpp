// `ofa-search train-predictor`: train OFA's MLP accuracy predictor on measured accuracy (docs/predictor.md).
#pragma once
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/predictor_training_record.hpp"
#include "ofa/common/reporter.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/search/predictor_training.hpp"

namespace ofa::search {

struct TrainPredictorOptions {
  std::string space = "ofa-mbv3-w1.2";
  std::vector<std::filesystem::path> data;    // measured files and architecture files with accuracy
  std::filesystem::path out;                  // P.pt; the record goes to P.yaml beside it
  std::optional<std::filesystem::path> init;  // a predictor to fine-tune
  TrainingOptions training;
};

// The samples of one data file: a measured file (format ofa-measured/1: every row must carry
// measured_accuracy, its space must be `space`) or an architecture file whose entries carry
// `accuracy`. Errors name the file and the row.
std::vector<TrainingSample> read_training_data(const std::filesystem::path& file, const common::SearchSpace& space);

// Where the training record of a predictor file lives: common::training_record_path (P.pt -> P.yaml).
using common::training_record_path;

// Reads the data, trains, writes `out` (torch.save zip, OFA's keys) and its record; on any
// error or cancel, writes nothing. Returns the summary line printed by the tool.
std::string run_train_predictor(const TrainPredictorOptions& options, const common::Reporter& reporter);

}  // namespace ofa::search
