// The record written beside a trained predictor, P.pt -> P.yaml (format ofa-predictor-training/2;
// docs/formats.md): what it was trained on, how, and how well it predicts the held-out samples.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ofa::common {

inline constexpr const char* kPredictorTrainingFormat = "ofa-predictor-training/2";
// Records of /1 hashed their files with CRC-32 and had no label_scale; their space reads the same.
inline constexpr const char* kPredictorTrainingFormatV1 = "ofa-predictor-training/1";

struct TrainingFileRecord {
  std::string file;
  std::string sha256;
  std::optional<std::size_t> samples;  // data files only
};

struct TrainingMetricsRecord {
  int count = 0;
  double spearman = 0, rmse = 0, mae = 0;
};

struct PredictorTrainingRecord {
  std::string space;
  std::string predictor;       // the .pt file's name, beside the record
  std::vector<int> layers;     // widths from the input to the single output
  std::size_t samples = 0, trained = 0, held_out = 0;
  std::optional<TrainingMetricsRecord> held_out_metrics;  // with held-out samples
  std::optional<TrainingMetricsRecord> init_held_out;     // --init's on the same samples
  int epochs = 0, batch_size = 0, threads = 0;
  double lr = 0, weight_decay = 0, holdout = 0;
  std::uint64_t seed = 0;
  double label_scale = 1;      // the labels' standard deviation trained against (1: raw labels)
  std::optional<TrainingFileRecord> init;
  std::vector<TrainingFileRecord> data;
};

// Where the record of a predictor file lives: P.pt -> P.yaml.
std::filesystem::path training_record_path(const std::filesystem::path& predictor);
std::string format_predictor_training_record(const PredictorTrainingRecord& record);
// The space the record beside `predictor` names; none without a record of a known version
// (OFA's shipped predictor has none). A malformed record is an Error naming it.
std::optional<std::string> recorded_space(const std::filesystem::path& predictor);

}  // namespace ofa::common
