#include "search/tools/search_tool.hpp"

#include "ofa/common/profile.hpp"
#include "search/commands/import_dynamic_ofa_command.hpp"
#include "search/commands/pareto_command.hpp"
#include "search/commands/predict_command.hpp"
#include "search/commands/search_command.hpp"
#include "search/commands/train_predictor_command.hpp"

namespace ofa::tools {

namespace {

using cli::bind;
using cli::bind_at;
using cli::bind_parsed;
using cli::Command;
using cli::CommandTraits;
using cli::driver_flag;
using cli::make_command;
using common::Reporter;
using O = cli::CommandOption;
constexpr cli::Need R = cli::Need::Required;

std::string algorithm_name(const std::optional<common::Algorithm>& a) {
  if (!a) return "";
  switch (*a) {
    case common::Algorithm::Evolution: return "evolution";
    case common::Algorithm::Nsga2: return "nsga2";
    case common::Algorithm::Exhaustive: return "exhaustive";
  }
  return "";
}

Command search() {
  using S = search::SearchOptions;
  return make_command<S>(
      {"ofa-search", "",
       "Find the predicted accuracy/latency Pareto front of an OFA MobileNetV3 space for a device; flags override the profile's\n"
       "`search:` settings (docs/profiles.md). Writes candidates.yaml and candidates.csv and prints the front.\n"
       "  ofa-search --profile configs/jetson-xavier-nx-gpu.yaml --out runs/nx-gpu",
       {}, {}, cli::OutKind::FolderInto},
      {bind(O{"--profile", R}, &S::profile), bind(O{"--out", R, {}, "folder for candidates.yaml and candidates.csv"}, &S::out_dir),
       bind_parsed<S>(O{"--algorithm", {}, "the profile's"}, [](S& o) -> auto& { return o.algorithm; },
                      [](const std::string& v) { return std::optional(common::parse_algorithm(v)); }, algorithm_name),
       bind_parsed<S>(O{"--constraints", {}, "the profile's"}, [](S& o) -> auto& { return o.constraints; },
                      [](const std::string& v) { return std::optional(common::parse_constraints(v)); },
                      [](const std::optional<std::vector<double>>& v) { return v ? std::string("set") : std::string(); }),
       bind(O{"--population", {}, "the profile's"}, &S::population), bind(O{"--generations", {}, "the profile's"}, &S::generations),
       bind(O{"--seed", {}, "the profile's", "the same seed gives a byte-identical result whatever the thread count"}, &S::seed),
       bind(O{"--workers", {}, "the profile's"}, &S::threads), bind(O{"--keep"}, &S::keep),
       bind(O{"--data-dir"}, &S::data_dir), driver_flag<S>(O{"--quiet"})},
      [](S& o, const Reporter& reporter) { return search::format_front_table(search::run_search(o, reporter).file); },
      CommandTraits{true});
}

Command predict() {
  using P = search::PredictOptions;
  return make_command<P>(
      {"ofa-search", "predict",
       "Predicted accuracy, LUT latency, MACs and parameters of the architectures in a YAML file.\n"
       "  ofa-search predict --profile configs/jetson-xavier-nx-gpu.yaml --archs configs/examples/dynamic-ofa-levels.yaml"},
      {bind(O{"--profile", R}, &P::profile), bind(O{"--archs", R}, &P::archs), bind(O{"--out", {}, "stdout", "the scores file"}, &P::out),
       bind(O{"--table-format"}, &P::format), bind(O{"--data-dir"}, &P::data_dir),
       bind(O{"--workers"}, &P::threads)},
      [](P& o, const Reporter&) { return search::run_predict(o); });
}

Command pareto() {
  using P = search::ParetoOptions;
  return make_command<P>(
      {"ofa-search", "pareto",
       "Build the runtime's library: the measured Pareto front (median latency, accuracy) of a measured.yaml, optionally thinned\n"
       "to K levels spread over its latency range, fastest first (docs/formats.md).\n"
       "  ofa-search pareto --measured runs/local-cpu/measured_acc.yaml --levels 6 --out runs/local-cpu/library.yaml"},
      {bind(O{"--measured", R}, &P::measured), bind(O{"--levels"}, &P::levels),
       bind_parsed<P>(O{"--accuracy"}, [](P& o) -> auto& { return o.accuracy; },
                      [](const std::string& v) { return v == "measured" ? search::AccuracySource::Measured : search::AccuracySource::Predicted; },
                      [](search::AccuracySource a) { return std::string(a == search::AccuracySource::Measured ? "measured" : "predicted"); }),
       bind(O{"--out", R, {}, "the library file"}, &P::out),
       bind(O{"--plot", {}, {}, "candidates (predicted and measured accuracy), the front and the levels kept"}, &P::plot)},
      [](P& o, const Reporter&) { return search::run_pareto(o); });
}

Command import_dynamic_ofa() {
  using I = search::ImportDynamicOfaOptions;
  return make_command<I>(
      {"ofa-search", "import-dynamic-ofa",
       "Import Dynamic-OFA's own level file: a library (one level per entry, in the file's order: architecture, measured top-1,\n"
       "the file's latency recorded as measured on --latency-device) and one BN file per level (supernet names) in <out stem>_bn/.\n"
       "  ofa-search import-dynamic-ofa nets_6.pickle --weights ofa_supernet.pt --out runs/dynofa/library.yaml",
       {}, {}, cli::OutKind::File, "--pickle"},
      {bind(O{"--pickle", R, {}, "also the first bare argument"}, &I::pickle),
       bind(O{"--out", R, {}, "the library file; its BN files go to <stem>_bn/ beside it"}, &I::out),
       bind(O{"--weights", {}, "random", "the supernet the levels run with (recorded in the library, not read)"}, &I::weights),
       bind(O{"--latency-device"}, &I::latency_device), bind(O{"--device", {}, {}, "where the runtime is to run the levels"}, &I::device)},
      [](I& o, const Reporter&) { return search::run_import_dynamic_ofa(o); });
}

Command train_predictor() {
  using T = search::TrainPredictorOptions;
  return make_command<T>(
      {"ofa-search", "train-predictor",
       "Train the accuracy predictor (OFA's MLP, the space's encoding) on measured accuracy with Adam and MSE; writes a torch.save\n"
       "file in OFA's layout (what a profile's `predictor:` names) and its record beside it (P.yaml: held-out Spearman, RMSE, MAE,\n"
       "the options and data; docs/predictor.md).\n"
       "  ofa-search train-predictor --space ofa-mbv3-w1.2 --data measured_acc.yaml --init ofa_predictor.pt --out runs/p.pt"},
      {bind(O{"--space"}, &T::space),
       bind_parsed<T>(O{"--data", R}, [](T& o) -> auto& { return o.data; },
                      [](const std::string& v) { return cli::split_paths(v); },
                      [](const std::vector<std::filesystem::path>& v) { return v.empty() ? std::string() : v.front().string(); }),
       bind(O{"--init", {}, "none: from scratch, the output bias at the mean accuracy"}, &T::init),
       bind(O{"--out", R, {}, "the predictor (.pt); its record goes to the .yaml beside it"}, &T::out),
       bind_at<T>(O{"--epochs"}, [](T& o) -> auto& { return o.training.epochs; }),
       bind_at<T>(O{"--train-batch", {}, {}, {}, {}, {}, "--batch-size"}, [](T& o) -> auto& { return o.training.batch_size; }),
       bind_at<T>(O{"--lr"}, [](T& o) -> auto& { return o.training.lr; }),
       bind_at<T>(O{"--weight-decay"}, [](T& o) -> auto& { return o.training.weight_decay; }),
       bind_at<T>(O{"--holdout"}, [](T& o) -> auto& { return o.training.holdout; }),
       bind_at<T>(O{"--seed", {}, {}, "of the initialisation, the held-out draw and the order of the samples"}, [](T& o) -> auto& { return o.training.seed; }),
       bind_at<T>(O{"--workers"}, [](T& o) -> auto& { return o.training.threads; }),
       driver_flag<T>(O{"--quiet"})},
      [](T& o, const Reporter& reporter) { return search::run_train_predictor(o, reporter); },
      CommandTraits{true});
}

}  // namespace

const cli::Tool& search_tool() {
  static const cli::Tool tool{"ofa-search", "ofa-search: find the predicted accuracy/latency Pareto front of an OFA MobileNetV3 space for a device",
                              "no output written", {search(), predict(), pareto(), import_dynamic_ofa(), train_predictor()}};
  return tool;
}

}  // namespace ofa::tools
