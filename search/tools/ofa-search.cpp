// ofa-search: search and score OFA subnets for a device profile (a thin driver over
// ofa::search; the options are declared once, in common/src/cli/option_table.cpp).
#include <iostream>

#include "ofa/common/cli/tool_main.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/common/tool_driver.hpp"
#include "search/commands/pareto_command.hpp"
#include "search/commands/predict_command.hpp"
#include "search/commands/search_command.hpp"

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

}  // namespace

int main(int argc, char** argv) {
  const ofa::common::cli::CommandRun commands[] = {{"", search, true}, {"predict", predict}, {"pareto", pareto}};
  return ofa::common::cli::tool_main("ofa-search",
                                     "ofa-search: find the predicted accuracy/latency Pareto front of an OFA MobileNetV3 space for a device",
                                     "no output written", argc, argv, commands);
}
