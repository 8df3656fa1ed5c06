// ofa-search: search and score OFA subnets for a device profile (a thin driver over
// ofa::search; the options are declared once, in common/src/cli/option_table.cpp).
#include <iostream>

#include "ofa/common/cli/arg_parser.hpp"
#include "ofa/common/cli/tool_main.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/common/tool_driver.hpp"
#include "search/commands/import_dynamic_ofa_command.hpp"
#include "search/commands/pareto_command.hpp"
#include "search/commands/predict_command.hpp"
#include "search/commands/search_command.hpp"
#include "search/commands/train_predictor_command.hpp"

namespace {

using ofa::common::Reporter;
using ofa::common::cli::ParsedArgs;

void search(const ParsedArgs& a, const Reporter& reporter) {
  ofa::search::SearchOptions o;
  a.get("--profile", o.profile);
  a.get("--out", o.out_dir);
  a.get("--data-dir", o.data_dir);
  if (a.has("--algorithm")) o.algorithm = ofa::common::parse_algorithm(a.value("--algorithm"));
  if (a.has("--constraints")) o.constraints = ofa::common::parse_constraints(a.value("--constraints"));
  a.get("--population", o.population);
  a.get("--generations", o.generations);
  a.get("--seed", o.seed);
  a.get("--threads", o.threads);
  a.get("--keep", o.keep);
  o.cancel = &ofa::common::interrupt_flag();
  ofa::search::run_search(o, std::cout, reporter);
}

void predict(const ParsedArgs& a, const Reporter&) {
  ofa::search::PredictOptions o;
  a.get("--profile", o.profile);
  a.get("--archs", o.archs);
  a.get("--out", o.out);
  a.get("--format", o.format);
  a.get("--data-dir", o.data_dir);
  a.get("--threads", o.threads);
  ofa::search::run_predict(o, std::cout);
}

void pareto(const ParsedArgs& a, const Reporter&) {
  ofa::search::ParetoOptions o;
  a.get("--measured", o.measured);
  a.get("--out", o.out);
  a.get("--plot", o.plot);
  a.get("--levels", o.levels);
  if (a.has("--accuracy") && a.value("--accuracy") == "measured") o.accuracy = ofa::search::AccuracySource::Measured;
  std::cout << ofa::search::run_pareto(o);
}

void import_dynamic_ofa(const ParsedArgs& a, const Reporter&) {
  ofa::search::ImportDynamicOfaOptions o;
  a.get("--pickle", o.pickle);
  a.get("--out", o.out);
  if (a.has("--weights")) o.weights = a.value("--weights");
  a.get("--latency-device", o.latency_device);
  a.get("--device", o.device);
  std::cout << ofa::search::run_import_dynamic_ofa(o);
}

void train_predictor(const ParsedArgs& a, const Reporter& reporter) {
  ofa::search::TrainPredictorOptions o;
  a.get("--space", o.space);
  for (const std::string& f : ofa::common::cli::split_values(a.value("--data"))) o.data.emplace_back(f);
  a.get("--out", o.out);
  a.get("--init", o.init);
  a.get("--epochs", o.training.epochs);
  a.get("--batch-size", o.training.batch_size);
  a.get("--lr", o.training.lr);
  a.get("--weight-decay", o.training.weight_decay);
  a.get("--holdout", o.training.holdout);
  a.get("--seed", o.training.seed);
  a.get("--threads", o.training.threads);
  o.training.cancel = &ofa::common::interrupt_flag();
  std::cout << ofa::search::run_train_predictor(o, reporter);
}

}  // namespace

int main(int argc, char** argv) {
  const ofa::common::cli::CommandRun commands[] = {{"", search, true}, {"predict", predict}, {"pareto", pareto}, {"import-dynamic-ofa", import_dynamic_ofa},
                                                       {"train-predictor", train_predictor, true}};
  return ofa::common::cli::tool_main("ofa-search",
                                     "ofa-search: find the predicted accuracy/latency Pareto front of an OFA MobileNetV3 space for a device",
                                     "no output written", argc, argv, commands);
}
