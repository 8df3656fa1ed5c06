#include "search/commands/train_predictor_command.hpp"

#include <chrono>
#include <cstdio>

#include <yaml-cpp/yaml.h>

#include "ofa/common/encoding.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/labelled_archs.hpp"
#include "ofa/common/library_inputs.hpp"
#include "ofa/common/named_inputs.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/output_set.hpp"
#include "ofa/common/predictor_training_record.hpp"
#include "ofa/common/torch_save_writer.hpp"
#include "ofa/common/yaml_values.hpp"
#include "ofa/common/sha256.hpp"
#include "ofa/search/predictor_loader.hpp"

namespace ofa::search {

using namespace ofa::common;
namespace fs = std::filesystem;

namespace {

// Whether `file` is a measured file (format ofa-measured/1) rather than an architecture file.
bool is_measured_file(const fs::path& file) {
  return guard_yaml(file.string(), [&] {
    const YAML::Node root = load_yaml_file(file);
    return root.IsMap() && root["format"] && root["format"].IsScalar() && root["format"].Scalar() == "ofa-measured/1";
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

}  // namespace

std::vector<TrainingSample> read_training_data(const fs::path& file, const SearchSpace& space) {
  const std::string where = file.string();
  const bool measured = is_measured_file(file);
  std::vector<TrainingSample> out;
  if (measured) {
    const MeasuredFile f = read_measured(file);
    if (f.space != space.name) throw Error(where + ": measured in space '" + f.space + "', training for --space '" + space.name + "'");
    for (std::size_t i = 0; i < f.rows.size(); ++i) {
      const MeasuredRow& r = f.rows[i];
      // The predictor is float32's: an int8 row's accuracy is another network's.
      if (r.precision.precision != kFp32) continue;
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

namespace {

// The record's account of the training: the network, the samples, the options, the figures.
PredictorTrainingRecord training_record(const TrainPredictorOptions& o, const TrainingResult& r, std::size_t samples) {
  PredictorTrainingRecord rec;
  rec.space = o.space;
  rec.predictor = o.out.filename().string();
  for (const DenseLayer& l : r.weights.layers) rec.layers.push_back(l.in);
  rec.layers.push_back(1);
  rec.samples = samples;
  rec.trained = static_cast<std::size_t>(r.trained);
  rec.held_out = static_cast<std::size_t>(r.held_out);
  auto metrics = [](const PredictionMetrics& m) { return TrainingMetricsRecord{m.count, m.spearman, m.rmse, m.mae}; };
  if (r.held_out > 0) rec.held_out_metrics = metrics(r.final_metrics);
  if (r.init_metrics) rec.init_held_out = metrics(*r.init_metrics);
  const TrainingOptions& t = o.training;
  rec.epochs = t.epochs, rec.batch_size = t.batch_size, rec.threads = t.threads;
  rec.lr = t.lr, rec.weight_decay = t.weight_decay, rec.holdout = t.holdout, rec.seed = t.seed;
  rec.label_scale = r.label_scale;
  return rec;
}

// The inputs --out and its record must spare: the driver checked --out against the flags; the
// files the data names (a measured file's weights and BN files, which pareto reads) and
// --init's record are inputs too.
void check_record_target(const TrainPredictorOptions& o, const fs::path& record) {
  std::vector<NamedInput> inputs;
  for (const fs::path& f : o.data) {
    inputs.push_back({"--data " + f.string(), f});
    if (is_measured_file(f))
      for (NamedInput& n : measured_inputs(read_measured(f), f)) inputs.push_back({"--data " + f.string() + ": " + n.what, n.path});
  }
  if (o.init) {
    inputs.push_back({"--init", *o.init});
    inputs.push_back({"--init's record", training_record_path(*o.init)});
  }
  check_output_spares_inputs("--out", o.out, inputs, "choose another --out");
  check_output_spares_inputs("--out's record", record, inputs, "choose another --out");
  output_target(record);
}

// --init's weights, checked against the space (its record's, and its input width).
MlpWeights init_weights(const TrainPredictorOptions& o) {
  if (const auto s = recorded_space(*o.init); s && *s != o.space)
    throw Error("--init " + o.init->string() + ": trained for space '" + *s + "' (its record " + training_record_path(*o.init).string() +
                "), not --space '" + o.space + "'");
  MlpWeights w = load_mlp_weights(*o.init);
  if (w.layers.front().in != kEncodingSize)
    throw Error("--init " + o.init->string() + ": reads " + std::to_string(w.layers.front().in) + " inputs, space '" + o.space +
                "' encodes " + std::to_string(kEncodingSize));
  return w;
}

std::string training_summary(const TrainingResult& r, double seconds, const fs::path& out, const fs::path& record) {
  std::string summary = "train-predictor: " + std::to_string(r.trained) + " samples trained, " + std::to_string(r.held_out) + " held out";
  if (r.held_out > 0) {
    summary += ": Spearman " + format_g(r.final_metrics.spearman, 4) + ", RMSE " + format_g(r.final_metrics.rmse, 4) + ", MAE " +
               format_g(r.final_metrics.mae, 4);
    if (r.init_metrics) summary += " (--init: Spearman " + format_g(r.init_metrics->spearman, 4) + ", RMSE " + format_g(r.init_metrics->rmse, 4) +
                                   ", MAE " + format_g(r.init_metrics->mae, 4) + ")";
  }
  return summary + " in " + format_g(seconds, 3) + " s; wrote " + out.string() + " and " + record.string() + "\n";
}

}  // namespace

std::string run_train_predictor(const TrainPredictorOptions& o, const Reporter& reporter) {
  if (o.data.empty()) throw Error("--data: give at least one file");
  if (o.out.extension() != ".pt") throw Error("--out " + o.out.string() + ": must end in .pt (its record is written beside it as .yaml)");
  const fs::path record = training_record_path(o.out);
  const SearchSpace space = search_space(o.space);
  check_record_target(o, record);
  std::vector<TrainingSample> samples;
  std::vector<TrainingFileRecord> data;
  for (const fs::path& f : o.data) {
    const auto part = read_training_data(f, space);
    samples.insert(samples.end(), part.begin(), part.end());
    data.push_back({f.string(), sha256_hex(read_file(f)), part.size()});
  }
  std::optional<MlpWeights> init;
  if (o.init) init = init_weights(o);
  reporter.note("train-predictor: " + std::to_string(samples.size()) + " samples from " + std::to_string(o.data.size()) + " file(s)" +
                (o.init ? ", fine-tuning " + o.init->string() : ", from scratch"));
  const auto t0 = std::chrono::steady_clock::now();
  const TrainingResult r = train_predictor(samples, init ? &*init : nullptr, o.training, reporter);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  reporter.cancel().check();

  PredictorTrainingRecord rec = training_record(o, r, samples.size());
  if (o.init) rec.init = TrainingFileRecord{o.init->string(), sha256_hex(read_file(*o.init)), std::nullopt};
  rec.data = std::move(data);
  // Both files or neither: a record always describes the file beside it.
  OutputSet outputs;
  outputs.add(o.out, torch_save_bytes(state_dict(r.weights)));
  outputs.add(record, format_predictor_training_record(rec));
  outputs.commit();
  return training_summary(r, seconds, o.out, record);
}

}  // namespace ofa::search
