#include "search/commands/train_predictor_command.hpp"

#include <chrono>
#include <cstdio>

#include <yaml-cpp/yaml.h>

#include "ofa/common/encoding.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/labelled_archs.hpp"
#include "ofa/common/named_inputs.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/output_set.hpp"
#include "ofa/common/torch_save_writer.hpp"
#include "ofa/common/yaml_values.hpp"
#include "ofa/common/sha256.hpp"
#include "ofa/search/predictor_loader.hpp"

namespace ofa::search {

using namespace ofa::common;
namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordFormat = "ofa-predictor-training/2";
// Records of /1 hashed their files with CRC-32 and had no label_scale; their space reads the same.
constexpr const char* kRecordFormatV1 = "ofa-predictor-training/1";

std::string quoted(const std::string& s) {
  YAML::Emitter e;
  e << YAML::DoubleQuoted << s;
  return e.c_str();
}

// The space a predictor file was trained for, from its record beside it; none for a file
// without one (OFA's shipped predictor).
std::optional<std::string> recorded_space(const fs::path& predictor) {
  const fs::path record = training_record_path(predictor);
  std::error_code ec;
  if (!fs::is_regular_file(record, ec)) return std::nullopt;
  return guard_yaml(record.string(), [&]() -> std::optional<std::string> {
    const YAML::Node root = load_yaml_file(record);
    if (!root.IsMap() || !root["format"] || (root["format"].Scalar() != kRecordFormat && root["format"].Scalar() != kRecordFormatV1))
      return std::nullopt;
    return required_string(root, "space", record.string());
  });
}

FloatStateDict state_dict(const MlpWeights& w) {
  FloatStateDict d;
  for (std::size_t l = 0; l < w.layers.size(); ++l) {
    // nn.Sequential(Linear, ReLU, Linear, ...): the linear layers are its even members.
    const std::string prefix = std::to_string(2 * l) + ".";
    const DenseLayer& L = w.layers[l];
    d.push_back({prefix + "weight", FloatTensor{{L.out, L.in}, L.weight}});
    d.push_back({prefix + "bias", FloatTensor{{L.out}, L.bias}});
  }
  return d;
}

std::string metrics_yaml(const char* key, const PredictionMetrics& m) {
  return std::string(key) + ": {count: " + std::to_string(m.count) + ", spearman: " + format_g(m.spearman, 6) +
         ", rmse: " + format_g(m.rmse, 6) + ", mae: " + format_g(m.mae, 6) + "}\n";
}

}  // namespace

fs::path training_record_path(const fs::path& predictor) {
  fs::path p = predictor;
  p.replace_extension(".yaml");
  return p;
}

std::vector<TrainingSample> read_training_data(const fs::path& file, const SearchSpace& space) {
  const std::string where = file.string();
  const bool measured = guard_yaml(where, [&] {
    const YAML::Node root = load_yaml_file(file);
    return root.IsMap() && root["format"] && root["format"].IsScalar() && root["format"].Scalar() == "ofa-measured/1";
  });
  std::vector<TrainingSample> out;
  if (measured) {
    const MeasuredFile f = read_measured(file);
    if (f.space != space.name) throw Error(where + ": measured in space '" + f.space + "', training for --space '" + space.name + "'");
    for (std::size_t i = 0; i < f.rows.size(); ++i) {
      const MeasuredRow& r = f.rows[i];
      if (!r.measured_accuracy)
        throw Error(where + ": measurements[" + std::to_string(i) + "] (candidate id " + std::to_string(r.candidate.id) +
                    ") has no measured_accuracy (run ofa-measure accuracy, or leave the row out)");
      out.push_back({r.candidate.arch, *r.measured_accuracy});
    }
  } else {
    for (const LabelledArch& a : read_labelled_archs(file, space)) out.push_back({a.arch, a.accuracy});
  }
  if (out.empty()) throw Error(where + ": no samples");
  return out;
}

std::string run_train_predictor(const TrainPredictorOptions& o, const Reporter& reporter) {
  if (o.data.empty()) throw Error("--data: give at least one file");
  if (o.out.extension() != ".pt") throw Error("--out " + o.out.string() + ": must end in .pt (its record is written beside it as .yaml)");
  const fs::path record = training_record_path(o.out);
  const SearchSpace space = search_space(o.space);
  // The driver checked --out against the flags; its record beside it must spare every input
  // too (the data, --init and --init's own record), and be a regular file or a new path.
  std::vector<NamedInput> inputs;
  for (const fs::path& f : o.data) inputs.push_back({"--data " + f.string(), f});
  if (o.init) {
    inputs.push_back({"--init", *o.init});
    inputs.push_back({"--init's record", training_record_path(*o.init)});
  }
  check_output_spares_inputs("--out's record", record, inputs);
  output_target(record);
  std::vector<TrainingSample> samples;
  std::string data_yaml;
  for (const fs::path& f : o.data) {
    const auto part = read_training_data(f, space);
    samples.insert(samples.end(), part.begin(), part.end());
    data_yaml += "  - {file: " + quoted(f.string()) + ", sha256: " + sha256_hex(read_file(f)) + ", samples: " + std::to_string(part.size()) + "}\n";
  }
  std::optional<MlpWeights> init;
  std::string init_yaml = "null";
  if (o.init) {
    if (const auto s = recorded_space(*o.init); s && *s != o.space)
      throw Error("--init " + o.init->string() + ": trained for space '" + *s + "' (its record " + training_record_path(*o.init).string() +
                  "), not --space '" + o.space + "'");
    init = load_mlp_weights(*o.init);
    if (init->layers.front().in != kEncodingSize)
      throw Error("--init " + o.init->string() + ": reads " + std::to_string(init->layers.front().in) + " inputs, space '" + o.space +
                  "' encodes " + std::to_string(kEncodingSize));
    init_yaml = "{file: " + quoted(o.init->string()) + ", sha256: " + sha256_hex(read_file(*o.init)) + "}";
  }
  reporter.note("train-predictor: " + std::to_string(samples.size()) + " samples from " + std::to_string(o.data.size()) + " file(s)" +
                (o.init ? ", fine-tuning " + o.init->string() : ", from scratch"));
  const auto t0 = std::chrono::steady_clock::now();
  const TrainingResult r = train_predictor(samples, init ? &*init : nullptr, o.training, reporter);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (o.training.cancel && o.training.cancel->load()) throw Error("interrupted");

  const TrainingOptions& t = o.training;
  std::string y = std::string("format: ") + kRecordFormat + "\n";
  y += "space: " + o.space + "\n";
  y += "predictor: " + quoted(o.out.filename().string()) + "\n";
  y += "layers: [";
  for (std::size_t l = 0; l < r.weights.layers.size(); ++l) y += std::to_string(r.weights.layers[l].in) + ", ";
  y += "1]\n";
  y += "samples: " + std::to_string(samples.size()) + "\n";
  y += "trained: " + std::to_string(r.trained) + "\n";
  y += "held_out: " + std::to_string(r.held_out) + "\n";
  if (r.held_out > 0) {
    y += "held_out_spearman: " + format_g(r.final_metrics.spearman, 6) + "\n";
    y += "held_out_rmse: " + format_g(r.final_metrics.rmse, 6) + "\n";
    y += "held_out_mae: " + format_g(r.final_metrics.mae, 6) + "\n";
    if (r.init_metrics) y += metrics_yaml("init_held_out", *r.init_metrics);
  }
  y += "options: {epochs: " + std::to_string(t.epochs) + ", batch_size: " + std::to_string(t.batch_size) + ", lr: " + format_g(t.lr, 9) +
       ", weight_decay: " + format_g(t.weight_decay, 9) + ", holdout: " + format_g(t.holdout, 9) + ", seed: " + std::to_string(t.seed) +
       ", threads: " + std::to_string(t.threads) + "}\n";
  // The labels' standard deviation the network was trained against (1: raw labels, as with --init).
  y += "label_scale: " + format_g(r.label_scale, 9) + "\n";
  y += "init: " + init_yaml + "\n";
  y += "data:\n" + data_yaml;
  // Both files or neither: a record always describes the file beside it.
  OutputSet outputs;
  outputs.add(o.out, torch_save_bytes(state_dict(r.weights)));
  outputs.add(record, y);
  outputs.commit();

  std::string summary = "train-predictor: " + std::to_string(r.trained) + " samples trained, " + std::to_string(r.held_out) + " held out";
  if (r.held_out > 0) {
    summary += ": Spearman " + format_g(r.final_metrics.spearman, 4) + ", RMSE " + format_g(r.final_metrics.rmse, 4) + ", MAE " +
               format_g(r.final_metrics.mae, 4);
    if (r.init_metrics) summary += " (--init: Spearman " + format_g(r.init_metrics->spearman, 4) + ", RMSE " + format_g(r.init_metrics->rmse, 4) +
                                   ", MAE " + format_g(r.init_metrics->mae, 4) + ")";
  }
  summary += " in " + format_g(seconds, 3) + " s; wrote " + o.out.string() + " and " + record.string() + "\n";
  return summary;
}

}  // namespace ofa::search
