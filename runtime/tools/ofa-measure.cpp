// ofa-measure: measure subnets on a device, and build a device's latency table and model (a
// thin driver over ofa::runtime's commands; the options are declared once, in
// common/src/cli/option_table.cpp).
#include <cmath>
#include <iostream>

#include "ofa/common/cli/tool_main.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/common/tool_driver.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "runtime/commands/accuracy_command.hpp"
#include "runtime/commands/bn_command.hpp"
#include "runtime/commands/calibrate_command.hpp"
#include "runtime/commands/latency_command.hpp"
#include "runtime/commands/latency_model_command.hpp"
#include "runtime/commands/library_latency_command.hpp"
#include "runtime/commands/lut_command.hpp"

namespace {

using ofa::common::Reporter;
using ofa::common::cli::ParsedArgs;

std::vector<int> parse_resolutions(const std::string& text) {
  std::vector<int> out;
  for (double v : ofa::common::parse_constraints(text, "--resolutions")) {
    // Checked before the cast: a double beyond int's range makes the cast undefined.
    if (!(v >= 1 && v <= 10000) || v != std::floor(v))
      throw ofa::common::Error("--resolutions: " + std::to_string(v) + " is not a whole number of pixels in 1..10000");
    out.push_back(static_cast<int>(v));
  }
  return out;
}

// The options every command that times networks on a device shares.
void read_device(const ParsedArgs& a, ofa::runtime::DeviceOptions& d) {
  a.get("--device", d.device);
  a.get("--engine", d.engine);
  a.get("--ort-provider", d.ort_provider);
  a.get("--threads", d.threads);
  a.get("--allow-tf32", d.allow_tf32);
  d.cancel = &ofa::common::interrupt_flag();
}

void read_timing(const ParsedArgs& a, ofa::runtime::DeviceOptions& d) {
  read_device(a, d);
  a.get("--warmup", d.warmup);
  a.get("--repeats", d.repeats);
}

void read_selection(const ParsedArgs& a, ofa::search::CandidateSelection& s) {
  a.get("--only-front", s.only_front);
  a.get("--top", s.top);
  a.get("--spread", s.spread);
}

void latency(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::MeasureLatencyOptions o;
  read_timing(a, o.device);
  read_selection(a, o.selection);
  a.get("--out", o.out);
  a.get("--rounds", o.rounds);
  a.get("--chunk", o.chunk);
  a.get("--seed", o.seed);
  a.get("--pin-cpus", o.pin_cpus);
  a.get("--batch", o.batch);
  a.get("--resume", o.resume);
  a.get("--weights", o.weights);
  if (a.has("--library")) {
    ofa::runtime::RetimeLibraryOptions r;
    r.measure = o;
    a.get("--library", r.library);
    reporter.say(ofa::runtime::run_retime_library(r, reporter));
    return;
  }
  if (!a.has("--candidates")) throw ofa::common::Error("give --candidates FILE (a search's candidates) or --library FILE (a library to re-time)");
  a.get("--candidates", o.candidates);
  const auto result = ofa::runtime::run_measure_latency(o, reporter);
  reporter.note("measure: " + std::to_string(result.rows.size()) + " candidates in " + o.out.string());
}

void lut(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::BuildLutOptions o;
  read_timing(a, o.device);
  a.get("--space", o.space);
  a.get("--elastic-kernel", o.elastic_kernel);
  if (a.has("--resolutions")) o.resolutions = parse_resolutions(a.value("--resolutions"));
  a.get("--out", o.out_dir);
  a.get("--resume", o.resume);
  a.get("--rounds", o.rounds);
  a.get("--seed", o.seed);
  a.get("--pin-cpus", o.pin_cpus);
  ofa::runtime::run_build_lut(o, reporter);
  reporter.note("lut: written to " + o.out_dir.string());
}

void bn(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::BnOptions o;
  a.get("--weights", o.weights);
  a.get("--seed", o.seed);
  a.get("--arch", o.arch);
  a.get("--space", o.space);
  a.get("--tensors", o.tensors);
  a.get("--images", o.images);
  a.get("--count", o.count);
  a.get("--classes", o.classes);
  a.get("--data-dir", o.data_dir);
  a.get("--threads", o.threads);
  a.get("--skip-unreadable", o.skip_unreadable);
  a.get("--batch-size", o.batch_size);
  a.get("--out", o.out);
  o.cancel = &ofa::common::interrupt_flag();
  reporter.say(ofa::runtime::run_bn(o, reporter));
}

void calibrate(const ParsedArgs& a, const Reporter&) {
  ofa::runtime::CalibrateOptions o;
  a.get("--lut", o.lut);
  a.get("--measured", o.measured);
  a.get("--force", o.force);
  a.get("--data-dir", o.data_dir);
  std::cout << ofa::runtime::run_calibrate(o);
}

void accuracy(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::AccuracyOptions o;
  read_device(a, o.device);
  read_selection(a, o.selection);
  a.get("--measured", o.measured);
  a.get("--weights", o.weights);
  a.get("--val-images", o.val_images);
  a.get("--limit", o.limit);
  a.get("--calib-images", o.calib_images);
  if (!o.calib_images && !a.has("--no-recalibrate"))
    throw ofa::common::Error("give --calib-images DIR (OFA's BN recalibration) or --no-recalibrate");
  a.get("--calib-count", o.calib_count);
  a.get("--calib-batch", o.calib_batch);
  a.get("--seed", o.seed);
  a.get("--batch-size", o.batch_size);
  a.get("--decode-threads", o.decode_threads);
  a.get("--classes", o.classes);
  a.get("--data-dir", o.data_dir);
  a.get("--skip-unreadable", o.skip_unreadable);
  a.get("--resume", o.resume);
  a.get("--out", o.out);
  std::string report;
  ofa::runtime::run_accuracy(o, &report, reporter);
  reporter.say(report);
}

void latency_model(const ParsedArgs& a, const Reporter& reporter) {
  ofa::runtime::LatencyModelOptions o;
  o.device.warmup = 3;  // per network, before the first round
  o.device.repeats = 5;  // calls per network per round
  read_timing(a, o.device);
  a.get("--networks", o.networks);
  a.get("--rounds", o.rounds);
  a.get("--budget-minutes", o.budget_minutes);
  a.get("--lut", o.lut);
  if (a.has("--resolutions")) o.resolutions = parse_resolutions(a.value("--resolutions"));
  a.get("--space", o.space);
  a.get("--seed", o.seed);
  a.get("--regularization", o.regularization);
  a.get("--pin-cpus", o.pin_cpus);
  a.get("--force", o.force);
  a.get("--out", o.out);
  reporter.say(ofa::runtime::run_latency_model(o, reporter));
}

}  // namespace

int main(int argc, char** argv) {
  // A check of the engines (once per machine) and any engine it refuses are told on stderr.
  ofa::runtime::EngineVerdicts::registry().set_note([](std::string_view line) { std::cerr << "ofa-measure: " << line << "\n"; });
  // Each of these stops between candidates, layers or batches on Ctrl-C, leaving only complete files.
  // bn and latency-model write their output whole at the end and have no --resume: Ctrl-C keeps nothing.
  const ofa::common::cli::CommandRun commands[] = {
      {"latency", latency, true},
      {"lut", lut, true},
      {"bn", bn, true, "nothing was written (bn writes its file at the end; run it again)"},
      {"calibrate", calibrate},
      {"accuracy", accuracy, true},
      {"latency-model", latency_model, true, "nothing was written (latency-model has no --resume; run it again)"}};
  return ofa::common::cli::tool_main("ofa-measure", "ofa-measure: measure OFA subnets on this device and build its latency table and model",
                                     "completed results are kept, --resume continues", argc, argv, commands);
}
