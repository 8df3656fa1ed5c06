#include "ofa/common/predictor_training_record.hpp"

#include "ofa/common/number_format.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

namespace {

std::string metrics_yaml(const char* key, const TrainingMetricsRecord& m) {
  return std::string(key) + ": {count: " + std::to_string(m.count) + ", spearman: " + format_g(m.spearman, 6) +
         ", rmse: " + format_g(m.rmse, 6) + ", mae: " + format_g(m.mae, 6) + "}\n";
}

std::string file_yaml(const TrainingFileRecord& f) {
  return "{file: " + yaml_quoted(f.file) + ", sha256: " + f.sha256 + (f.samples ? ", samples: " + std::to_string(*f.samples) : "") + "}";
}

}  // namespace

fs::path training_record_path(const fs::path& predictor) {
  fs::path p = predictor;
  p.replace_extension(".yaml");
  return p;
}

std::string format_predictor_training_record(const PredictorTrainingRecord& r) {
  std::string y = std::string("format: ") + kPredictorTrainingFormat + "\n";
  y += "space: " + r.space + "\n";
  y += "predictor: " + yaml_quoted(r.predictor) + "\n";
  y += "layers: [" + join_ints(r.layers) + "]\n";
  y += "samples: " + std::to_string(r.samples) + "\n";
  y += "trained: " + std::to_string(r.trained) + "\n";
  y += "held_out: " + std::to_string(r.held_out) + "\n";
  if (r.held_out_metrics) {
    y += "held_out_spearman: " + format_g(r.held_out_metrics->spearman, 6) + "\n";
    y += "held_out_rmse: " + format_g(r.held_out_metrics->rmse, 6) + "\n";
    y += "held_out_mae: " + format_g(r.held_out_metrics->mae, 6) + "\n";
    if (r.init_held_out) y += metrics_yaml("init_held_out", *r.init_held_out);
  }
  y += "options: {epochs: " + std::to_string(r.epochs) + ", batch_size: " + std::to_string(r.batch_size) + ", lr: " + format_g(r.lr, 9) +
       ", weight_decay: " + format_g(r.weight_decay, 9) + ", holdout: " + format_g(r.holdout, 9) + ", seed: " + std::to_string(r.seed) +
       ", threads: " + std::to_string(r.threads) + "}\n";
  y += "label_scale: " + format_g(r.label_scale, 9) + "\n";
  y += "init: " + (r.init ? file_yaml(*r.init) : std::string("null")) + "\n";
  y += "data:\n";
  for (const TrainingFileRecord& f : r.data) y += "  - " + file_yaml(f) + "\n";
  return y;
}

std::optional<std::string> recorded_space(const fs::path& predictor) {
  const fs::path record = training_record_path(predictor);
  std::error_code ec;
  if (!fs::is_regular_file(record, ec)) return std::nullopt;
  return guard_yaml(record.string(), [&]() -> std::optional<std::string> {
    const YAML::Node root = load_yaml_file(record);
    if (!root.IsMap() || !root["format"] ||
        (root["format"].Scalar() != kPredictorTrainingFormat && root["format"].Scalar() != kPredictorTrainingFormatV1))
      return std::nullopt;
    return required_string(root, "space", record.string());
  });
}

}  // namespace ofa::common
