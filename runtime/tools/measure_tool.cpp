#include "runtime/tools/measure_tool.hpp"

#include <iostream>

#include "ofa/cli/arg_parser.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "runtime/commands/accuracy_command.hpp"
#include "runtime/commands/merge_command.hpp"
#include "runtime/commands/bn_command.hpp"
#include "runtime/commands/calibrate_command.hpp"
#include "runtime/commands/latency_command.hpp"
#include "runtime/commands/latency_model_command.hpp"
#include "runtime/commands/library_latency_command.hpp"
#include "runtime/commands/lut_command.hpp"
#include "runtime/tools/tool_flags.hpp"

namespace ofa::tools {

namespace {

using cli::bind;
using cli::bind_at;
using cli::bind_parsed;
using cli::Command;
using cli::CommandTraits;
using cli::make_command;
using common::Reporter;
using O = cli::CommandOption;
constexpr cli::Need R = cli::Need::Required;

std::string resolutions_text(const std::vector<int>& r) {
  std::string s;
  for (int v : r) s += (s.empty() ? "" : ",") + std::to_string(v);
  return s;
}

template <class Options, class Get>
cli::Flag<Options> resolutions_flag(std::string_view default_text, Get field) {
  return bind_parsed<Options>(O{"--resolutions", {}, default_text}, field, [](const std::string& v) { return common::parse_resolutions(v); },
                              resolutions_text);
}

Command latency() {
  using L = runtime::RetimeLibraryOptions;
  auto m = [](L& o) -> auto& { return o.measure; };
  return make_command<L>(
      {"ofa-measure", "latency",
       "End-to-end latency of the candidates of an ofa-search run, in interleaved rounds (writes measured.yaml); or, with\n"
       "--library, of a library's levels as the runtime builds them (BN files applied), written as a library timed here.\n"
       "  ofa-measure latency --candidates runs/nx-gpu/candidates.yaml --only-front --out runs/nx-gpu/measured.yaml\n"
       "  ofa-measure latency --library runs/dynofa/library.yaml --out runs/dynofa/library-here.yaml",
       {},
       {{"--candidates", "--library"}, {"--library", "--only-front"}, {"--library", "--top"}, {"--library", "--spread"},
        {"--library", "--resume"}, {"--library", "--chunk"}, {"--library", "--precision"}, {"--library", "--calib-images"}}},
      tools::joined<L>(
          {bind_at<L>(O{"--candidates", {}, {}, "give --candidates or --library"}, [](L& o) -> auto& { return o.measure.candidates; }),
           bind(O{"--library", {}, {}, "re-time its levels on this device; --out is then a library"}, &L::library),
           bind_at<L>(O{"--out", R, {}, "measured.yaml, rewritten after every chunk of candidates (with --library: the library)"},
                      [](L& o) -> auto& { return o.measure.out; }),
           bind_at<L>(O{"--rounds"}, [](L& o) -> auto& { return o.measure.rounds; }),
           bind_at<L>(O{"--chunk"}, [](L& o) -> auto& { return o.measure.chunk; }),
           bind_at<L>(O{"--seed", {}, {}, "of the rounds' order and of the int8 calibration draw"}, [](L& o) -> auto& { return o.measure.seed; }),
           bind_at<L>(O{"--pin-cpus"}, [](L& o) -> auto& { return o.measure.pin_cpus; }),
           bind_at<L>(O{"--batch"}, [](L& o) -> auto& { return o.measure.batch; }),
           bind_at<L>(O{"--resume"}, [](L& o) -> auto& { return o.measure.resume; }),
           bind_at<L>(O{"--weights", {}, {}, "latency does not depend on them"}, [](L& o) -> auto& { return o.measure.weights; }),
           bind_at<L>(O{"--precision", {}, {}, "a row per candidate and precision (int8: its QDQ model on ONNX Runtime, calibrated on --calib-images)"},
                      [](L& o) -> auto& { return o.measure.precision; }),
           bind_at<L>(O{"--calib-images", {}, {}, "int8 calibration images (drawn and augmented as for BN recalibration, with --seed)"},
                      [](L& o) -> auto& { return o.measure.calib_images; }),
           bind_at<L>(O{"--calib-count"}, [](L& o) -> auto& { return o.measure.calib_count; }),
           bind_at<L>(O{"--calib-batch"}, [](L& o) -> auto& { return o.measure.calib_batch; }),
           bind_at<L>(O{"--calib-method"}, [](L& o) -> auto& { return o.measure.range_method.name; }),
           bind_at<L>(O{"--calib-percentile"}, [](L& o) -> auto& { return o.measure.range_method.percentile; }),
           bind_at<L>(O{"--classes"}, [](L& o) -> auto& { return o.measure.classes; }),
           bind_at<L>(O{"--data-dir"}, [](L& o) -> auto& { return o.measure.data_dir; })},
          tools::joined<L>(selection_flags<L>([](L& o) -> auto& { return o.measure.selection; }, "over the predicted latency (for a runtime library)"),
                           device_flags<L>([m](L& o) -> auto& { return m(o).device; }, true))),
      [](L& o, const Reporter& reporter) { return runtime::run_latency(o, reporter); },
      CommandTraits{true});
}

Command lut() {
  using B = runtime::BuildLutOptions;
  return make_command<B>(
      {"ofa-measure", "lut",
       "Build this device's latency table in OFA's layout, one layer at a time, in interleaved rounds.\n"
       "  ofa-measure lut --space ofa-mbv3-w1.2 --resolutions 160:224:4 --out runs/local-cpu/lut",
       {}, {}, cli::OutKind::FolderInto},
      tools::joined<B>({bind(O{"--space"}, &B::space), bind(O{"--elastic-kernel"}, &B::elastic_kernel),
                        resolutions_flag<B>("the space's", [](B& o) -> auto& { return o.resolutions; }),
                        bind(O{"--out", R, {}, "folder for <r>_lookup_table.json"}, &B::out_dir), bind(O{"--resume"}, &B::resume),
                        bind(O{"--rounds"}, &B::rounds), bind(O{"--seed", {}, {}, "of the rounds' order"}, &B::seed), bind(O{"--pin-cpus"}, &B::pin_cpus)},
                       device_flags<B>([](B& o) -> auto& { return o.device; }, true)),
      [](B& o, const Reporter& reporter) {
        runtime::run_build_lut(o, reporter);
        return "lut: written to " + o.out_dir.string();
      },
      CommandTraits{true});
}

Command bn() {
  using B = runtime::BnOptions;
  return make_command<B>(
      {"ofa-measure", "bn",
       "Recalibrate one subnet's BatchNorm statistics as OFA's set_running_statistics does and write its BN file (what\n"
       "`ofa-runtime infer --bn` and libraries read), from a tensor or from an image folder with OFA's calib_bn augmentation.\n"
       "  ofa-measure bn --weights supernet.pt --arch a.yaml --tensors calib.pt --calib-batch 200 --out a_bn.pt\n"
       "  ofa-measure bn --weights supernet.pt --arch a.yaml --calib-images imagenet/train --calib-count 2000 --seed 0 --out a_bn.pt",
       {}, {{"--tensors", "--calib-images"}}},
      {bind(O{"--weights"}, &B::weights), bind(O{"--seed", {}, {}, "of the draw and augmentation of --calib-images, and of random weights"}, &B::seed),
       bind(O{"--arch", R}, &B::arch), bind(O{"--space"}, &B::space), bind(O{"--tensors"}, &B::tensors),
       bind(O{"--calib-images"}, &B::images), bind(O{"--calib-count"}, &B::count),
       bind(O{"--classes"}, &B::classes), bind(O{"--data-dir"}, &B::data_dir),
       bind(O{"--decode-threads"}, &B::threads), bind(O{"--skip-unreadable"}, &B::skip_unreadable),
       bind(O{"--calib-batch", {}, {}, "also of --tensors"}, &B::batch_size), bind(O{"--out", R, {}, "the BN file (.pt)"}, &B::out)},
      [](B& o, const Reporter& reporter) { return runtime::run_bn(o, reporter); },
      CommandTraits{true, "nothing was written (bn writes its file at the end; run it again)"});
}

Command calibrate() {
  using C = runtime::CalibrateOptions;
  return make_command<C>(
      {"ofa-measure", "calibrate",
       "Fit measured = a * LUT sum + b from a measured.yaml and store it beside the LUT (calibration.yaml, applied whenever\n"
       "the table is loaded).\n"
       "  ofa-measure calibrate --lut runs/local-cpu/lut --measured runs/local-cpu/measured.yaml"},
      {bind(O{"--lut", R}, &C::lut), bind(O{"--measured", R}, &C::measured),
       bind(O{"--into-data-dir"}, &C::into_data_dir), bind(O{"--data-dir"}, &C::data_dir)},
      [](C& o, const Reporter&) { return runtime::run_calibrate(o); });
}

Command accuracy() {
  using A = runtime::AccuracyOptions;
  return make_command<A>(
      {"ofa-measure", "accuracy",
       "Per row of a measured.yaml: recalibrate BN as OFA's calib_bn does, then evaluate top-1/top-5 on an ImageNet folder;\n"
       "writes measured_accuracy, top5, accuracy_images and the row's BN file (in <out>_bn/), for `ofa-search pareto --accuracy measured`.\n"
       "An int8 row (ofa-measure latency --precision fp32,int8) runs as its QDQ model, its ranges calibrated on the same images (in <out>_int8/).\n"
       "  ofa-measure accuracy --measured measured.yaml --weights ofa_mbv3_d234_e346_k357_w1.2 --val-images imagenet/val \\\n"
       "    --calib-images imagenet/train --out measured_acc.yaml",
       {}, {{"--calib-images", "--no-recalibrate"}}},
      tools::joined<A>(
          {bind(O{"--measured", R}, &A::measured), bind(O{"--weights", {}, {}, "random weights make the figures meaningless"}, &A::weights),
           bind(O{"--val-images", R}, &A::val_images), bind(O{"--limit"}, &A::limit), bind(O{"--calib-images"}, &A::calib_images),
           bind(O{"--calib-count"}, &A::calib_count), bind(O{"--calib-batch"}, &A::calib_batch), bind(O{"--no-recalibrate"}, &A::no_recalibrate),
           bind(O{"--seed", {}, {}, "of the calibration draw and augmentation, and of random weights"}, &A::seed),
           bind(O{"--val-batch"}, &A::batch_size), bind(O{"--decode-threads"}, &A::decode_threads), bind(O{"--classes"}, &A::classes),
           bind(O{"--data-dir"}, &A::data_dir), bind(O{"--skip-unreadable"}, &A::skip_unreadable), bind(O{"--resume"}, &A::resume),
           bind(O{"--precision", {}, {}, "the rows evaluated: those at these precisions (int8 rows: their QDQ model, calibrated on --calib-images)"},
                &A::precision),
           bind_at<A>(O{"--calib-method"}, [](A& o) -> auto& { return o.range_method.name; }),
           bind_at<A>(O{"--calib-percentile"}, [](A& o) -> auto& { return o.range_method.percentile; }),
           bind(O{"--out", R, {}, "measured.yaml, rewritten after each resolution's rows; with a shard, the part file (%p: its index)"}, &A::out),
           bind_parsed<A>(O{"--shard", {}, "the launcher's, else none"}, [](A& o) -> auto& { return o.shard; },
                          [](const std::string& v) { return std::optional<common::Shard>(common::parse_shard(v)); },
                          [](const std::optional<common::Shard>& s) { return s ? std::to_string(s->index) + "/" + std::to_string(s->count) : std::string(); })},
          tools::joined<A>(selection_flags<A>([](A& o) -> auto& { return o.selection; }, "over the measured latency range"),
                           device_flags<A>([](A& o) -> auto& { return o.device; }, false))),
      [](A& o, const Reporter& reporter) { return runtime::run_accuracy(o, reporter).text; },
      CommandTraits{true});
}

Command merge() {
  using M = runtime::MergeOptions;
  return make_command<M>(
      {"ofa-measure", "merge",
       "Sum the parts of a sharded accuracy run (ofa-measure accuracy --shard I/N) into the measured file one process would\n"
       "write: the parts checked to come from one job (by content), each of 0..N-1 once; written all or nothing (docs/cluster.md).\n"
       "  ofa-measure merge --out measured_acc.yaml parts/part_*.yaml",
       {}, {}, cli::OutKind::File, "--parts"},
      {bind_parsed<M>(O{"--parts", R}, [](M& o) -> auto& { return o.parts; },
                      [](const std::string& v) { return cli::split_paths(v); },
                      [](const std::vector<std::filesystem::path>& v) { return v.empty() ? std::string() : v.front().string(); }),
       bind(O{"--out", R, {}, "the measured file; its BN files go to <out stem>_bn/"}, &M::out)},
      [](M& o, const Reporter&) { return runtime::run_merge(o); });
}

Command latency_model() {
  using L = runtime::LatencyModelOptions;
  return make_command<L>(
      {"ofa-measure", "latency-model",
       "Fit a latency model of this device from networks measured end to end (interleaved rounds) and report it on held-out\n"
       "networks against the per-layer table, beside the machine's retest floor; the output is a table folder a profile's\n"
       "`lut` can name.\n"
       "  ofa-measure latency-model --lut runs/local-cpu/lut --threads 1 --networks 90 --budget-minutes 10 --out runs/local-cpu/model",
       {}, {}, cli::OutKind::FolderReplaced},
      tools::joined<L>({bind(O{"--networks", {}, {}, "spread over the latency range; a third held out"}, &L::networks), bind(O{"--rounds"}, &L::rounds), bind(O{"--budget-minutes"}, &L::budget_minutes),
                        bind(O{"--lut", {}, "MACs at a fitted rate", "the per-layer table to start from"}, &L::lut),
                        resolutions_flag<L>({}, [](L& o) -> auto& { return o.resolutions; }), bind(O{"--space"}, &L::space),
                        bind(O{"--seed", {}, {}, "of the networks' draw and the rounds' order"}, &L::seed),
                        bind(O{"--regularization"}, &L::regularization), bind(O{"--pin-cpus"}, &L::pin_cpus),
                        bind(O{"--force", {}, {}, "replace --out if it exists and is not empty"}, &L::force),
                        bind(O{"--out", R, {}, "folder: <r>_lookup_table.json, quality.yaml, quality.svg, networks.yaml"}, &L::out)},
                       device_flags<L>([](L& o) -> auto& { return o.device; }, true)),
      [](L& o, const Reporter& reporter) { return runtime::run_latency_model(o, reporter); },
      CommandTraits{true, "nothing was written (latency-model has no --resume; run it again)"});
}

}  // namespace

const cli::Tool& measure_tool() {
  static const cli::Tool tool{
      "ofa-measure", "ofa-measure: measure OFA subnets on this device and build its latency table and model",
      "completed results are kept, --resume continues", {latency(), lut(), bn(), calibrate(), accuracy(), merge(), latency_model()},
      // A check of the engines (once per machine) and any engine it refuses are told on stderr.
      [] { runtime::EngineVerdicts::registry().set_note([](std::string_view line) { std::cerr << "ofa-measure: " << line << "\n"; }); }};
  return tool;
}

}  // namespace ofa::tools
