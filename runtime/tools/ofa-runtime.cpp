// ofa-runtime: run OFA subnets in LibTorch (a thin driver over ofa::runtime).
#include <iostream>

#include <CLI/CLI.hpp>

#include "ofa/common/error.hpp"
#include "ofa/common/tool_driver.hpp"
#include "ofa/runtime/export_command.hpp"
#include "ofa/runtime/infer_command.hpp"
#include "ofa/runtime/preprocess_command.hpp"
#include "ofa/runtime/run_command.hpp"


int main(int argc, char** argv) {
  CLI::App app{"ofa-runtime: run OFA MobileNetV3 subnets extracted from a supernet, in LibTorch"};
  app.require_subcommand(1);

  ofa::runtime::InferOptions infer;
  std::string weights, arch, bn, input, out;
  auto* cmd = app.add_subcommand("infer", "Logits of one architecture for an input tensor (files saved with torch.save)");
  cmd->add_option("--weights", weights, "Supernet state_dict (.pt, OFA key names, float16 or float32); random weights when absent");
  cmd->add_option("--arch", arch, "YAML file with one architecture {ks, e, d, r}")->required();
  cmd->add_option("--bn", bn, "BN statistic overrides: a dict supernet-BN-name -> tensor (.pt)");
  cmd->add_option("--input", input, "Input: one float32 tensor [N, 3, r, r] (.pt)")->required();
  cmd->add_option("--out", out, "Output: the logits tensor [N, classes] (.pt)")->required();
  cmd->add_option("--space", infer.space, "Search space (default ofa-mbv3-w1.2)");
  cmd->add_option("--device", infer.device, "cpu | cuda | cuda:N");
  cmd->add_option("--engine", infer.engine, "optimized (default) | eager");
  cmd->add_flag("--allow-tf32", infer.allow_tf32, "Let cuDNN/cuBLAS use TF32 for float32 on CUDA (faster, ~1e-3 off; default: exact float32)");
  cmd->add_option("--seed", infer.seed, "Seed of the random weights (without --weights)");

  ofa::runtime::RunOptions run;
  std::string r_library, r_weights, r_contention, r_trace, r_plot, r_summary, r_prefer = "latency";
  double min_accuracy = 0;
  auto* rcmd = app.add_subcommand(
      "run",
      "Serve synthetic frames back to back through a library's levels, switching levels to hold a latency target\n"
      "(and an accuracy floor) while competing work runs; prints a summary (docs/runtime.md).\n"
      "  ofa-runtime run --library runs/local-cpu/library.yaml --latency-target 40 --duration 15 \\\n"
      "    --contention at=5s,threads=2,for=5s --trace trace.csv --plot trace.svg --summary-json summary.json");
  rcmd->add_option("--library", r_library, "library.yaml written by `ofa-search pareto`")->required();
  rcmd->add_option("--weights", r_weights, "Supernet state_dict (.pt); default: the library's weights, or random ones");
  rcmd->add_option("--device", run.device, "cpu | cuda | cuda:N");
  rcmd->add_option("--engine", run.engine, "optimized (BN folded, TorchScript frozen, oneDNN on CPU; default) | eager");
  rcmd->add_flag("--allow-tf32", run.allow_tf32, "TF32 on CUDA even if the library was measured without it (default: as measured)");
  rcmd->add_option("--threads", run.threads, "LibTorch intra-op threads (default: as the library was measured)")
      ->check(CLI::NonNegativeNumber);
  rcmd->add_option("--latency-target", run.policy.target_ms, "Latency target per frame, ms")->required();
  auto* o_min = rcmd->add_option("--min-accuracy", min_accuracy, "Accuracy floor (a fraction, like the library's accuracies)");
  rcmd->add_option("--prefer", r_prefer, "When no level meets both: keep the latency target (latency) or the floor (accuracy)")
      ->check(CLI::IsMember({"latency", "accuracy"}));
  rcmd->add_option("--duration", run.duration_s, "Seconds to serve")->required();
  rcmd->add_option("--contention", r_contention, "Competing work: at=2s,threads=2,for=5s (busy CPU threads; on CUDA, GPU work)");
  rcmd->add_option("--margin", run.policy.margin, "Headroom a level needs: expected latency <= target * (1 - margin) (default 0.1)");
  rcmd->add_option("--up-after", run.policy.up_after_s, "Seconds the headroom must last before stepping up (default 0.5)");
  rcmd->add_option("--smoothing", run.policy.smoothing, "Weight of the newest slowdown sample, (0, 1] (default 0.5)");
  rcmd->add_option("--spike-window", run.policy.spike_window,
                   "Median of this many latest frames per sample: 1 reacts to the first slow frame, 3 ignores single spikes (default 1)");
  rcmd->add_option("--trace", r_trace, "Per-frame trace: .csv, or .jsonl for JSON lines");
  rcmd->add_option("--plot", r_plot, "SVG of latency over time coloured by level");
  rcmd->add_option("--summary-json", r_summary, "Summary as JSON");
  rcmd->add_option("--warmup", run.warmup, "Forwards per level at load (default 5)")->check(CLI::NonNegativeNumber);
  rcmd->add_option("--seed", run.seed, "Seed of the synthetic frames and of random weights");
  rcmd->add_flag("--quiet", run.quiet, "No progress on stderr");

  ofa::runtime::ExportOptions exp;
  std::string e_library, e_weights, e_out;
  auto* ecmd = app.add_subcommand(
      "export",
      "Write every level of a library as a self-contained TorchScript file (level_<i>.pt, BN folded) plus export.yaml;\n"
      "Python's torch.jit.load and C++'s torch::jit::load run them with the level's logits (docs/runtime.md).\n"
      "  ofa-runtime export --library runs/local-cpu/library.yaml --out runs/local-cpu/export");
  ecmd->add_option("--library", e_library, "library.yaml written by `ofa-search pareto`")->required();
  ecmd->add_option("--weights", e_weights, "Supernet state_dict (.pt); default: the library's weights, or random ones");
  ecmd->add_option("--out", e_out, "Output folder (created; written whole or not at all)")->required();
  ecmd->add_flag("--force", exp.force, "Replace the output folder if it exists and is not empty");
  ecmd->add_option("--seed", exp.seed, "Seed of random weights (a library measured with random weights)");

  ofa::runtime::PreprocessOptions pre;
  std::string p_images, p_out;
  auto* pcmd = app.add_subcommand(
      "preprocess",
      "An ImageNet folder (DIR/<wnid>/<image>) through OFA's validation transform (Resize(ceil(r/0.875)), CenterCrop(r),\n"
      "ToTensor, Normalize) as torchvision computes it with PIL, saved as {'images', 'labels', 'files'} (docs/formats.md).\n"
      "  ofa-runtime preprocess --images ../shared/data/images/val --resolution 160 --out val160.pt");
  pcmd->add_option("--images", p_images, "ImageFolder layout: DIR/<wnid>/<file>.JPEG|.png; labels from the class list")->required();
  pcmd->add_option("--resolution", pre.resolution, "Crop size r")->required();
  pcmd->add_option("--out", p_out, "Output .pt")->required();
  pcmd->add_option("--classes", pre.classes, "Class list (line i: wnid of class i; default: the data folder's imagenet_classes.txt)");
  pcmd->add_option("--data-dir", pre.data_dir, "Data folder (default: $OFA_DATA_DIR, else ../shared/data)");
  pcmd->add_option("--threads", pre.threads, "Decoding threads (default: all cores)");
  pcmd->add_flag("--skip-unreadable", pre.skip_unreadable, "Leave out images that cannot be read, and say how many");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return ofa::common::run_tool("ofa-runtime", "stopped", [&] {
    if (cmd->parsed()) {
      if (!weights.empty()) infer.weights = weights;
      if (!bn.empty()) infer.bn = bn;
      infer.arch = arch;
      infer.input = input;
      infer.out = out;
      std::cerr << ofa::runtime::run_infer(infer) << "\n";
    }
    if (pcmd->parsed()) {
      pre.images = p_images;
      pre.out = p_out;
      std::cerr << ofa::runtime::run_preprocess(pre) << "\n";
    }
    if (ecmd->parsed()) {
      exp.library = e_library;
      if (!e_weights.empty()) exp.weights = e_weights;
      exp.out_dir = e_out;
      std::cerr << ofa::runtime::run_export(exp) << "\n";
    }
    if (rcmd->parsed()) {
      run.library = r_library;
      if (!r_weights.empty()) run.weights = r_weights;
      if (*o_min) run.policy.min_accuracy = min_accuracy;
      run.policy.prefer = r_prefer == "accuracy" ? ofa::runtime::Preference::Accuracy : ofa::runtime::Preference::Latency;
      if (!r_contention.empty()) run.contention = r_contention;
      if (!r_trace.empty()) run.trace = r_trace;
      if (!r_plot.empty()) run.plot = r_plot;
      if (!r_summary.empty()) run.summary_json = r_summary;
      run.cancel = &ofa::common::interrupt_flag();  // stops between frames, then writes its outputs
      ofa::common::catch_interrupts();
      ofa::runtime::run_adaptive(run, std::cout);
    }
  });
}
