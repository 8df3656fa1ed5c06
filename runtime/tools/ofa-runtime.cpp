// ofa-runtime: run OFA subnets in LibTorch (a thin driver over ofa::runtime's commands; the
// options are declared once, in common/src/cli/option_table.cpp).
#include <iostream>

#include "ofa/common/cli/tool_main.hpp"
#include "ofa/common/tool_driver.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "runtime/commands/engines_command.hpp"
#include "runtime/commands/export_command.hpp"
#include "runtime/commands/infer_command.hpp"
#include "runtime/commands/preprocess_command.hpp"
#include "runtime/commands/run_command.hpp"

namespace {

using ofa::common::Reporter;
using ofa::common::cli::ParsedArgs;

void infer(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::InferOptions o;
  a.get("--weights", o.weights);
  a.get("--arch", o.arch);
  a.get("--bn", o.bn);
  a.get("--input", o.input);
  a.get("--out", o.out);
  a.get("--space", o.space);
  a.get("--device", o.device);
  a.get("--engine", o.engine);
  a.get("--ort-provider", o.ort_provider);
  a.get("--allow-tf32", o.allow_tf32);
  a.get("--seed", o.seed);
  reporter.say(ofa::runtime::run_infer(o));
}

void run(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::RunOptions o;
  a.get("--library", o.library);
  a.get("--weights", o.weights);
  a.get("--device", o.device);
  a.get("--engine", o.engine);
  a.get("--ort-provider", o.ort_provider);
  a.get("--allow-tf32", o.allow_tf32);
  a.get("--threads", o.threads);
  a.get("--latency-target", o.policy.target_ms);
  a.get("--min-accuracy", o.policy.min_accuracy);
  if (a.has("--prefer") && a.value("--prefer") == "accuracy") o.policy.prefer = ofa::runtime::Preference::Accuracy;
  a.get("--policy", o.policy_name);
  a.get("--duration", o.duration_s);
  a.get("--contention", o.contention);
  a.get("--margin", o.policy.margin);
  a.get("--up-after", o.policy.up_after_s);
  a.get("--smoothing", o.policy.smoothing);
  a.get("--spike-window", o.policy.spike_window);
  a.get("--trace", o.trace);
  a.get("--plot", o.plot);
  a.get("--summary-json", o.summary_json);
  a.get("--warmup", o.warmup);
  a.get("--seed", o.seed);
  o.cancel = &ofa::common::interrupt_flag();  // stops between frames, then writes its outputs
  ofa::runtime::run_adaptive(o, std::cout, reporter);
}

void export_levels(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::ExportOptions o;
  a.get("--library", o.library);
  a.get("--weights", o.weights);
  a.get("--out", o.out_dir);
  a.get("--force", o.force);
  a.get("--seed", o.seed);
  a.get("--format", o.format);
  a.get("--batch", o.batch);
  o.cancel = &ofa::common::interrupt_flag();  // stops between levels; the staging folder goes
  reporter.say(ofa::runtime::run_export(o, reporter));
}

void preprocess(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::PreprocessOptions o;
  a.get("--images", o.images);
  a.get("--resolution", o.resolution);
  a.get("--out", o.out);
  a.get("--classes", o.classes);
  a.get("--data-dir", o.data_dir);
  a.get("--threads", o.threads);
  a.get("--skip-unreadable", o.skip_unreadable);
  reporter.say(ofa::runtime::run_preprocess(o));
}

void engines(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::EnginesOptions o;
  a.get("--device", o.device);
  a.get("--ort-provider", o.ort_provider);
  a.get("--recheck", o.recheck);
  std::cout << ofa::runtime::run_engines(o, reporter);
}

}  // namespace

int main(int argc, char** argv) {
  // A check of the engines (once per machine) and any engine it refuses are told on stderr.
  ofa::runtime::EngineVerdicts::registry().set_note([](std::string_view line) { std::cerr << "ofa-runtime: " << line << "\n"; });
  const ofa::common::cli::CommandRun commands[] = {
      {"engines", engines}, {"infer", infer}, {"run", run, true}, {"export", export_levels, true}, {"preprocess", preprocess}};
  return ofa::common::cli::tool_main("ofa-runtime", "ofa-runtime: run OFA MobileNetV3 subnets extracted from a supernet, in LibTorch",
                                     "stopped (run still writes what it served; the other commands write nothing)", argc, argv, commands);
}
