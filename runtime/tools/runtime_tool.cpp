#include "runtime/tools/runtime_tool.hpp"

#include <iostream>

#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "runtime/commands/engines_command.hpp"
#include "runtime/commands/export_command.hpp"
#include "runtime/commands/infer_command.hpp"
#include "runtime/commands/preprocess_command.hpp"
#include "runtime/commands/run_command.hpp"
#include "runtime/tools/tool_flags.hpp"

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

Command engines() {
  using E = runtime::EnginesOptions;
  return make_command<E>(
      {"ofa-runtime", "engines",
       "Every engine this build has, and whether it is right on this machine: each is checked once per machine (a known network\n"
       "built and warmed as a level is, its logits after the warm-up against a float64 reference, in a child process so a crash\n"
       "is a verdict) and the verdict kept in the user's cache folder; refused engines never serve (docs/engines.md).\n"
       "  ofa-runtime engines\n"
       "  ofa-runtime engines --recheck"},
      {bind(O{"--device"}, &E::device), bind(O{"--ort-provider"}, &E::ort_provider), bind(O{"--recheck"}, &E::recheck)},
      [](E& o, const Reporter& reporter) { return runtime::run_engines(o, reporter); });
}

Command infer() {
  using I = runtime::InferOptions;
  return make_command<I>(
      {"ofa-runtime", "infer",
       "Logits of one architecture for an input tensor (files saved with torch.save), exact against OFA's within 1e-4.\n"
       "  ofa-runtime infer --weights supernet.pt --arch net.yaml --input x.pt --out logits.pt"},
      tools::joined<I>({bind(O{"--weights"}, &I::weights), bind(O{"--arch", R}, &I::arch), bind(O{"--bn"}, &I::bn), bind(O{"--input", R}, &I::input),
                        bind(O{"--out", R, {}, "the logits tensor [N, classes] (.pt)"}, &I::out), bind(O{"--space"}, &I::space),
                        bind(O{"--seed", {}, {}, "of the random weights (without --weights)"}, &I::seed)},
                       device_flags<I>([](I& o) -> auto& { return o.device; }, false)),
      [](I& o, const Reporter&) { return runtime::run_infer(o); });
}

Command run() {
  using U = runtime::RunOptions;
  auto policy = [](U& o) -> auto& { return o.policy; };
  auto device = [](U& o) -> auto& { return o.device; };
  return make_command<U>(
      {"ofa-runtime", "run",
       "Serve synthetic frames back to back through a library's levels (or a bundle's), switching levels to hold a latency\n"
       "target (and an accuracy floor) while competing work runs; prints a summary (docs/runtime.md, docs/deploy.md).\n"
       "  ofa-runtime run --library runs/local-cpu/library.yaml --latency-target 40 --duration 15 \\\n"
       "    --contention at=5s,threads=2,for=5s --trace trace.csv --plot trace.svg --summary-json summary.json\n"
       "  ofa-runtime run --bundle runs/local-cpu/export --latency-target 40 --duration 15",
       {}, {{"--library", "--bundle"}, {"--weights", "--bundle"}}},
      {bind(O{"--library", {}, {}, "or --bundle"}, &U::library), bind(O{"--bundle", {}, {}, "or --library"}, &U::bundle),
       bind(O{"--weights", {}, "the library's"}, &U::weights), bind_at<U>(O{"--device"}, [device](U& o) -> auto& { return device(o).device; }),
       bind_at<U>(O{"--engine", {}, "the library's", "each level on the engine recorded for it; one given here runs every level on it", kRunEngines},
                  [device](U& o) -> auto& { return device(o).engine; }),
       bind_at<U>(O{"--ort-provider", {}, "the library's"}, [device](U& o) -> auto& { return device(o).ort_provider; }),
       bind_at<U>(O{"--allow-tf32", {}, {}, "even if the library was measured without it (default: as measured)"},
                  [device](U& o) -> auto& { return device(o).allow_tf32; }),
       bind_at<U>(O{"--threads", {}, "as measured"}, [device](U& o) -> auto& { return device(o).threads; }),
       bind_at<U>(O{"--latency-target", R}, [policy](U& o) -> auto& { return policy(o).target_ms; }),
       bind_at<U>(O{"--min-accuracy"}, [policy](U& o) -> auto& { return policy(o).min_accuracy; }),
       bind_parsed<U>(O{"--prefer"}, [policy](U& o) -> auto& { return policy(o).prefer; },
                      [](const std::string& v) { return v == "accuracy" ? runtime::Preference::Accuracy : runtime::Preference::Latency; },
                      [](runtime::Preference p) { return std::string(p == runtime::Preference::Accuracy ? "accuracy" : "latency"); }),
       bind(O{"--policy"}, &U::policy_name), bind(O{"--duration", R}, &U::duration_s), bind(O{"--contention"}, &U::contention),
       bind_at<U>(O{"--margin"}, [policy](U& o) -> auto& { return policy(o).margin; }),
       bind_at<U>(O{"--up-after"}, [policy](U& o) -> auto& { return policy(o).up_after_s; }),
       bind_at<U>(O{"--smoothing"}, [policy](U& o) -> auto& { return policy(o).smoothing; }),
       bind_at<U>(O{"--spike-window"}, [policy](U& o) -> auto& { return policy(o).spike_window; }), bind(O{"--trace"}, &U::trace),
       bind(O{"--plot", {}, {}, "latency over time coloured by level"}, &U::plot), bind(O{"--summary-json"}, &U::summary_json),
       bind_at<U>(O{"--warmup", {}, {}, "forwards per level at load"}, [device](U& o) -> auto& { return device(o).warmup; }),
       bind(O{"--seed", {}, {}, "of the synthetic frames and of random weights"}, &U::seed),
       bind(O{"--precision", {}, "each level's own", "fp32 or int8: every level must be at it (int8 levels run on ONNX Runtime)"}, &U::precision),
       bind(O{"--convert-precision"}, &U::convert_precision), driver_flag<U>(O{"--quiet"})},
      [](U& o, const Reporter& reporter) { return runtime::run_adaptive(o, reporter).text; },
      CommandTraits{true, "stopped serving; the trace, plot and summary hold what was served", true});
}

Command export_levels() {
  using E = runtime::ExportOptions;
  return make_command<E>(
      {"ofa-runtime", "export",
       "Write a library's levels as a bundle a device serves on its own (run --bundle, the C++ and C APIs; docs/deploy.md):\n"
       "one self-contained file per level, BN folded, plus export.yaml (the levels and the setup they were measured with).\n"
       "Each level in its engine's format by default: ONNX (level_<i>.onnx, opset 14, input 'input' [N,3,r,r], output\n"
       "'logits'; checked by ONNX's checker) for levels measured on ONNX Runtime, TorchScript (level_<i>.pt, for\n"
       "torch.jit.load and torch::jit::load) for the others. No supernet, library or BN file goes with it. int8 levels\n"
       "(the library's, or all with --precision int8) are ONNX QDQ models: int8 weights per channel, uint8 activations\n"
       "whose ranges were calibrated on images (docs/int8.md).\n"
       "  ofa-runtime export --library runs/local-cpu/library.yaml --out runs/local-cpu/export [--format onnx]\n"
       "  ofa-runtime export --library L.yaml --out int8/ --precision int8 --calib-images DIR --calib-count 200",
       {}, {}, cli::OutKind::FolderReplaced},
      {bind(O{"--library", R}, &E::library), bind(O{"--weights", {}, "the library's"}, &E::weights),
       bind(O{"--out", R, {}, "folder, created and written whole or not at all"}, &E::out_dir),
       bind(O{"--format", {}, {}, "auto: each level in the format of its engine", {"auto", "torchscript", "onnx"}}, &E::format),
       bind(O{"--batch", {}, "any", "with --format onnx only: a static batch for other ONNX consumers (a bundle's levels take any)"}, &E::batch),
       bind(O{"--force", {}, {}, "replace the output folder if it exists and is not empty"}, &E::force),
       bind(O{"--seed", {}, {}, "of random weights, and the int8 calibration's draw and augmentation"}, &E::seed),
       bind(O{"--precision", {}, "each level's own", "fp32 or int8: every level at it (int8: an ONNX QDQ model; fp32 levels calibrated on --calib-images)"},
            &E::precision),
       bind(O{"--calib-images", {}, {}, "int8 calibration images for fp32 levels made int8 (drawn and augmented as for BN recalibration)"}, &E::calib_images),
       bind(O{"--calib-count"}, &E::calib_count), bind(O{"--calib-batch"}, &E::calib_batch), bind_at<E>(O{"--calib-method"}, [](E& o) -> auto& { return o.range_method.name; }),
       bind_at<E>(O{"--calib-percentile"}, [](E& o) -> auto& { return o.range_method.percentile; }), bind(O{"--classes"}, &E::classes), bind(O{"--data-dir"}, &E::data_dir)},
      [](E& o, const Reporter& reporter) { return runtime::run_export(o, reporter); },
      CommandTraits{true});
}

Command preprocess() {
  using P = runtime::PreprocessOptions;
  return make_command<P>(
      {"ofa-runtime", "preprocess",
       "An ImageNet folder (DIR/<wnid>/<image>) through OFA's validation transform (Resize(ceil(r/0.875)), CenterCrop(r),\n"
       "ToTensor, Normalize) as torchvision computes it with PIL, saved as {'images', 'labels', 'files'} (docs/formats.md).\n"
       "  ofa-runtime preprocess --val-images ../shared/data/images/val --resolution 160 --out val160.pt"},
      {bind(O{"--val-images", R}, &P::images), bind(O{"--resolution", R}, &P::resolution), bind(O{"--out", R, {}, "the .pt file"}, &P::out),
       bind(O{"--classes"}, &P::classes), bind(O{"--data-dir"}, &P::data_dir),
       bind(O{"--decode-threads"}, &P::threads), bind(O{"--skip-unreadable"}, &P::skip_unreadable)},
      [](P& o, const Reporter&) { return runtime::run_preprocess(o); });
}

}  // namespace

const cli::Tool& runtime_tool() {
  static const cli::Tool tool{
      "ofa-runtime", "ofa-runtime: run OFA MobileNetV3 subnets extracted from a supernet, in LibTorch",
      "stopped (run still writes what it served; the other commands write nothing)", {engines(), infer(), run(), export_levels(), preprocess()},
      // A check of the engines (once per machine) and any engine it refuses are told on stderr.
      [] { runtime::EngineVerdicts::registry().set_note([](std::string_view line) { std::cerr << "ofa-runtime: " << line << "\n"; }); }};
  return tool;
}

}  // namespace ofa::tools
