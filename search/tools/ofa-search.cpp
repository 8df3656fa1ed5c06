// ofa-search: search and score OFA subnets for a device profile (a thin driver over
// ofa::search; see docs/profiles.md and docs/formats.md).
#include <iostream>

#include <CLI/CLI.hpp>

#include "ofa/common/error.hpp"
#include "ofa/common/tool_driver.hpp"
#include "ofa/search/library_builder.hpp"
#include "ofa/search/predict_command.hpp"
#include "ofa/search/search_command.hpp"


int main(int argc, char** argv) {
  CLI::App app{
      "ofa-search: find the predicted accuracy/latency Pareto front of an OFA MobileNetV3 space for a device.\n"
      "  ofa-search --profile configs/jetson-xavier-nx-gpu.yaml --out runs/nx-gpu\n"
      "writes runs/nx-gpu/candidates.yaml and candidates.csv and prints the front.\n"
      "Flags override the profile's `search:` settings (docs/profiles.md)."};
  app.require_subcommand(0, 1);

  ofa::search::SearchOptions search;
  std::string profile, out, algorithm, constraints;
  std::uint64_t seed = 0;
  int population = 0, generations = 0, threads = 0, keep = 0;
  app.add_option("--profile", profile, "Device profile (configs/*.yaml)");
  app.add_option("--out", out, "Output folder for candidates.yaml and candidates.csv");
  auto* o_alg = app.add_option("--algorithm", algorithm, "evolution | nsga2 | exhaustive")
                    ->check(CLI::IsMember({"evolution", "nsga2", "exhaustive"}));
  auto* o_con = app.add_option("--constraints", constraints,
                               "Efficiency limits: a list 18,20,24 or a range from:to:step (18:30:2); "
                               "evolution runs once per limit, nsga2 stays below the largest");
  auto* o_pop = app.add_option("--population", population, "Population size (>= 4)");
  auto* o_gen = app.add_option("--generations", generations, "Generations");
  auto* o_seed = app.add_option("--seed", seed, "Random seed (same seed, same result, whatever the thread count)");
  auto* o_thr = app.add_option("--threads", threads, "Worker threads (0: all cores)")->check(CLI::NonNegativeNumber);
  auto* o_keep = app.add_option("--keep", keep, "evolution: best distinct architectures kept per constraint (default 5)");
  app.add_option("--data-dir", search.data_dir, "Data folder (default: $OFA_DATA_DIR, then ../shared/data)");
  app.add_flag("--quiet", search.quiet, "No progress bar or summary on stderr");

  ofa::search::PredictOptions predict;
  std::string p_profile, p_archs, p_out;
  auto* cmd = app.add_subcommand(
      "predict",
      "Predicted accuracy, LUT latency, MACs and parameters of the architectures in a YAML file\n"
      "(one {ks, e, d, r} or a mapping name -> {ks, e, d, r})");
  cmd->add_option("--profile", p_profile, "Device profile (configs/*.yaml)")->required();
  cmd->add_option("--archs", p_archs, "YAML file of architectures")->required();
  cmd->add_option("--out", p_out, "Output file (default: stdout)");
  cmd->add_option("--format", predict.format, "Output format: yaml or csv")->check(CLI::IsMember({"yaml", "csv"}));
  cmd->add_option("--data-dir", predict.data_dir, "Data folder (default: $OFA_DATA_DIR, then ../shared/data)");
  cmd->add_option("--threads", predict.threads, "Predictor threads (0: all cores)")->check(CLI::NonNegativeNumber);

  ofa::search::ParetoOptions pareto;
  std::string pa_measured, pa_out, pa_plot, pa_accuracy = "predicted";
  auto* pcmd = app.add_subcommand(
      "pareto",
      "Build the runtime's library: the measured Pareto front (median latency, accuracy) of a measured.yaml,\n"
      "optionally thinned to K levels spread over its latency range, fastest first (format ofa-library/1)");
  pcmd->add_option("--measured", pa_measured, "measured.yaml written by ofa-measure latency")->required();
  pcmd->add_option("--levels", pareto.levels, "Keep K levels spread over the latency range (default: the whole front)")
      ->check(CLI::Range(0, 100000));
  pcmd->add_option("--accuracy", pa_accuracy,
                   "predicted (the predictor's figure) or measured (measured_accuracy from ofa-measure accuracy; rows without it are left out)")
      ->check(CLI::IsMember({"predicted", "measured"}));
  pcmd->add_option("--out", pa_out, "Output library file, e.g. runs/x/library.yaml")->required();
  pcmd->add_option("--plot", pa_plot, "SVG: candidates (predicted and measured accuracy), the front and the levels kept");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return ofa::common::run_tool("ofa-search", "no output written", [&] {
    if (cmd->parsed()) {
      predict.profile = p_profile;
      predict.archs = p_archs;
      if (!p_out.empty()) predict.out = p_out;
      ofa::search::run_predict(predict, std::cout);
      return;
    }
    if (pcmd->parsed()) {
      pareto.measured = pa_measured;
      pareto.out = pa_out;
      pareto.plot = pa_plot;
      pareto.accuracy = pa_accuracy == "measured" ? ofa::search::AccuracySource::Measured : ofa::search::AccuracySource::Predicted;
      std::cout << ofa::search::run_pareto(pareto);
      return;
    }
    if (profile.empty()) throw ofa::common::Error("--profile is required (see --help)");
    if (out.empty()) throw ofa::common::Error("--out is required (see --help)");
    search.profile = profile;
    search.out_dir = out;
    if (*o_alg) search.algorithm = ofa::common::parse_algorithm(algorithm);
    if (*o_con) search.constraints = ofa::common::parse_constraints(constraints);
    if (*o_pop) search.population = population;
    if (*o_gen) search.generations = generations;
    if (*o_seed) search.seed = seed;
    if (*o_thr) search.threads = threads;
    if (*o_keep) search.keep = keep;
    search.cancel = &ofa::common::interrupt_flag();
    ofa::common::catch_interrupts();
    ofa::search::run_search(search, std::cout);
  });
}
