#include "ofa/common/cli/option_table.hpp"

#include <algorithm>
#include <limits>

namespace ofa::common::cli {

Check flag() { return {Check::Kind::Flag, 0, 0, false, {}}; }
Check text() { return {Check::Kind::Text, 0, 0, false, {}}; }
Check integer(std::int64_t min, std::int64_t max) {
  return {Check::Kind::Integer, static_cast<double>(min), static_cast<double>(max), false, {}};
}
Check seed() { return {Check::Kind::Seed, 0, 0, false, {}}; }
Check real(double min, double max, bool min_open, bool max_open) { return {Check::Kind::Real, min, max, min_open, {}, max_open}; }
Check choice(std::vector<std::string_view> choices) { return {Check::Kind::Choice, 0, 0, false, std::move(choices)}; }

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
using common::kMaxBatch;
using common::kMaxCount;

// Sorted by name, so --help lists and the test that no name repeats read the same.
const std::vector<OptionSpec>& options() {
  static const std::vector<OptionSpec> table = {
      {"--accuracy", "SOURCE", "Accuracy a level is ranked by: predicted (the predictor's) or measured (ofa-measure accuracy's; rows without it are left out)",
       choice({"predicted", "measured"})},
      {"--algorithm", "NAME", "Search algorithm: evolution (OFA's, once per constraint), nsga2 (the whole range in one run) or exhaustive (every architecture of a small space)",
       choice({"evolution", "nsga2", "exhaustive"})},
      {"--allow-tf32", "", "Let cuDNN/cuBLAS compute float32 in TF32 on CUDA (faster, ~1e-3 off); without it float32 is exact", flag()},
      {"--arch", "FILE", "YAML file with one architecture {ks, e, d, r}", text(), Role::InputFile},
      {"--archs", "FILE", "YAML file of architectures: one {ks, e, d, r} or a mapping name -> {ks, e, d, r}", text(), Role::InputFile},
      {"--batch", "N", "Batch size of the timed forwards", integer(1, kMaxBatch)},
      {"--batch-size", "N", "Images per batch (the last batch may be short)", integer(1, 100'000)},
      {"--bn", "FILE", "BN file (.pt): supernet BN name -> running_mean / running_var of this architecture", text(), Role::InputFile},
      {"--budget-minutes", "M", "Fit the measurement into M minutes (fewer calls, then fewer rounds)", real(0, 100'000, true)},
      {"--calib-batch", "N", "Calibration batch size", integer(1, kMaxBatch)},
      {"--calib-count", "N", "Calibration images drawn from --calib-images", integer(1, kMaxCount)},
      {"--calib-images", "DIR", "Calibration images for BN recalibration: an ImageNet folder DIR/<wnid>/<image> (OFA: 2000 training images, augmented)", text(), Role::InputFolder},
      {"--candidates", "FILE", "candidates.yaml written by ofa-search", text(), Role::InputFile},
      {"--chunk", "N", "Candidates built and interleaved together", integer(1, 10'000)},
      {"--classes", "FILE", "Class list, line i the wnid of class i (default: the data folder's imagenet_classes.txt)", text(), Role::InputFile},
      {"--constraints", "LIST", "Efficiency limits: a list 18,20,24 or a range from:to:step (18:30:2); evolution runs once per limit, nsga2 stays below the largest", text()},
      {"--contention", "SPEC", "Competing work: at=2s,threads=2,for=5s (busy CPU threads; on CUDA, GPU work)", text()},
      {"--count", "N", "Images drawn from --images", integer(1, kMaxCount)},
      {"--data", "FILE...", "Training data, one or more files: measured files whose rows carry measured_accuracy, or architecture files whose entries carry accuracy (a fraction)",
       text(), Role::InputFile},
      {"--data-dir", "DIR", "Data folder (default: $OFA_DATA_DIR, then ../shared/data)", text(), Role::InputFolder},
      {"--decode-threads", "N", "Image decoding threads (0: all cores)", integer(0, kMaxThreads)},
      {"--device", "DEV", "cpu | cuda | cuda:N", text()},
      {"--duration", "S", "Seconds to serve", real(0, 365.0 * 24 * 3600, true)},
      {"--elastic-kernel", "", "CompOFA with elastic kernels", flag()},
      {"--engine", "NAME",
       "How a network runs: optimized (BN folded, TorchScript frozen, oneDNN on CPU), onnxruntime (the ONNX export in ONNX Runtime, where "
       "built), llga (LibTorch 2's oneDNN Graph fusion), eager (op by op, PyTorch's speed), or auto (each network timed on every one of "
       "optimized, onnxruntime and llga this build has, the fastest kept and recorded)",
       choice({"auto", "optimized", "onnxruntime", "llga", "eager"})},
      {"--epochs", "N", "Passes over the training samples", integer(1, 1'000'000)},
      {"--force", "", "Replace an existing output (or write where it is refused by default)", flag()},
      {"--format", "FMT", "Output format", choice({"yaml", "csv", "torchscript", "onnx"})},
      {"--generations", "N", "Generations", integer(1, kMaxCount)},
      {"--holdout", "F", "Fraction of the samples held out (drawn with --seed) for the reported Spearman, RMSE and MAE", real(0, 0.9)},
      {"--images", "DIR", "An ImageNet folder DIR/<wnid>/<image>.JPEG|.png; labels from the class list", text(), Role::InputFolder},
      {"--init", "FILE", "Accuracy predictor (.pt, OFA's layout) to start from (fine-tune)", text(), Role::InputFile},
      {"--input", "FILE", "Input: one float32 tensor [N, 3, r, r] saved with torch.save", text(), Role::InputFile},
      {"--keep", "N", "evolution: best distinct architectures kept per constraint", integer(1, kMaxCount)},
      {"--latency-device", "NAME", "Where the imported latencies were measured (recorded in the library; the runtime warns that they are not this device's)", text()},
      {"--latency-target", "MS", "Latency target per frame, ms", real(0, 1e9, true)},
      {"--levels", "K", "Keep K levels spread over the latency range (0: the whole front)", integer(0, 100'000)},
      {"--library", "FILE", "library.yaml written by `ofa-search pareto`", text(), Role::InputFile},
      {"--limit", "N", "Evaluate N images spread evenly over the folder (0: all)", integer(0, std::numeric_limits<std::int32_t>::max())},
      {"--lr", "F", "Adam's learning rate", real(0, 1e9, true)},
      {"--lut", "DIR", "Latency table folder in OFA's layout (<r>_lookup_table.json)", text(), Role::InputFolder},
      {"--margin", "F", "Headroom a level needs: expected latency <= target * (1 - F)", real(0, 1, false, true)},
      {"--measured", "FILE", "measured.yaml written by ofa-measure latency (or accuracy)", text(), Role::InputFile},
      {"--min-accuracy", "F", "Accuracy floor, a fraction like the library's accuracies", real(0, 1)},
      {"--networks", "N", "Networks measured, spread over the latency range; a third held out", integer(6, 100'000)},
      {"--no-recalibrate", "", "Keep the supernet's BN statistics (wrong for any subnet but the largest)", flag()},
      {"--only-front", "", "Only the candidates on the predicted front", flag()},
      {"--ort-provider", "NAME",
       "ONNX Runtime's execution provider: cpu, or cuda / tensorrt (fp16) with --device cuda and NVIDIA's ONNX Runtime (unverified; docs/onnxruntime.md)",
       choice({"cpu", "cuda", "tensorrt"})},
      {"--out", "PATH", "Output (written whole or not at all)", text(), Role::Output},
      {"--pickle", "FILE", "Dynamic-OFA's level file (nets_6.pickle, nets_7.pickle: a plain pickle, read as data)", text(), Role::InputFile},
      {"--pin-cpus", "CPUS", "Pin the process to these CPUs while measuring, e.g. 0 or 0-1 (default: no pinning)", text()},
      {"--plot", "FILE", "An SVG plot of the result", text(), Role::Output},
      {"--policy", "NAME", "Level policy: ours (ofa-toolchain) or Dynamic-OFA's one-level-per-window manager (dynamic-ofa, docs/runtime.md)",
       choice({"ofa-toolchain", "dynamic-ofa"})},
      {"--population", "N", "Population size", integer(4, kMaxCount)},
      {"--prefer", "WHAT", "When no level meets both: keep the latency target (latency) or the floor (accuracy)", choice({"latency", "accuracy"})},
      {"--profile", "FILE", "Device profile (configs/*.yaml, docs/profiles.md)", text(), Role::InputFile},
      {"--quiet", "", "No progress or summary on stderr", flag()},
      {"--regularization", "W", "Pull of the prior table on the fitted costs", real(0, 1e6)},
      {"--recheck", "", "Check every engine again on this machine, ignoring the verdicts kept from an earlier check", flag()},
      {"--repeats", "N", "Timed calls", integer(1, kMaxCount)},
      {"--resolution", "R", "Crop size r in pixels", integer(32, 1024)},
      {"--resolutions", "LIST", "Resolutions: a list 160,192 or a range 160:224:4", text()},
      {"--resume", "", "Keep what --out already holds (same settings) and do the rest", flag()},
      {"--rounds", "N", "Interleaved rounds the timed calls are spread over (1: one item after another); the half-split noise is written",
       integer(1, 10'000)},
      {"--seed", "N", "Random seed: the same seed gives the same result", seed()},
      {"--skip-unreadable", "", "Leave out images that cannot be read, and say how many", flag()},
      {"--smoothing", "W", "Weight of the newest slowdown sample, (0, 1]", real(0, 1, true)},
      {"--space", "NAME", "Search space", choice({"ofa-mbv3-w1.2", "ofa-mbv3-w1.0", "compofa-mbv3-w1.2"})},
      {"--spike-window", "N", "Median of this many latest frames per sample: 1 reacts to the first slow frame, 3 ignores single spikes", integer(1, kMaxCount)},
      {"--spread", "N", "Only N candidates spread over the latency range", integer(1, kMaxCount)},
      {"--summary-json", "FILE", "The run's summary as JSON", text(), Role::Output},
      {"--tensors", "FILE", "Calibration images: one float32 tensor [N, 3, r, r], normalised, fed in order", text(), Role::InputFile},
      {"--threads", "N", "Threads the command computes with (0: the default, see the command)", integer(0, kMaxThreads)},
      {"--top", "N", "Only the N candidates of highest predicted accuracy", integer(1, kMaxCount)},
      {"--trace", "FILE", "Per-frame trace: .csv, or .jsonl for JSON lines", text(), Role::Output},
      {"--up-after", "S", "Seconds the headroom must last before stepping up", real(0, 1e6)},
      {"--val-images", "DIR", "Evaluation images: an ImageNet folder DIR/<wnid>/<image>", text(), Role::InputFolder},
      {"--warmup", "N", "Untimed calls first", integer(0, kMaxCount)},
      {"--weight-decay", "W", "Adam's weight decay (L2 added to the gradient, as torch.optim.Adam)", real(0, 1e3)},
      {"--weights", "FILE", "Supernet state_dict (.pt, OFA's key names and checkpoint layout, float16 or float32); random weights when absent", text(), Role::InputFile},
  };
  return table;
}

using O = CommandOption;
constexpr Need R = Need::Required;

// The device options every command that runs networks on a device takes.
std::vector<O> with_device(std::vector<O> own, std::string_view warmup, std::string_view repeats) {
  for (O o : {O{"--device", {}, "cpu"}, O{"--engine", {}, "auto"}, O{"--ort-provider", {}, "cpu"},
              O{"--threads", {}, "0", "LibTorch's (and ONNX Runtime's) intra-op threads (0: LibTorch's default)"},
              O{"--warmup", {}, warmup}, O{"--repeats", {}, repeats}, O{"--allow-tf32"}, O{"--quiet"}})
    own.push_back(o);
  return own;
}

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> table = {
      {"ofa-search", "",
       "Find the predicted accuracy/latency Pareto front of an OFA MobileNetV3 space for a device; flags override the profile's\n"
       "`search:` settings (docs/profiles.md). Writes candidates.yaml and candidates.csv and prints the front.\n"
       "  ofa-search --profile configs/jetson-xavier-nx-gpu.yaml --out runs/nx-gpu",
       {O{"--profile", R}, O{"--out", R, {}, "folder for candidates.yaml and candidates.csv"}, O{"--algorithm", {}, "the profile's"},
        O{"--constraints", {}, "the profile's"}, O{"--population", {}, "the profile's"}, O{"--generations", {}, "the profile's"},
        O{"--seed", {}, "the profile's", "the same seed gives a byte-identical result whatever the thread count"},
        O{"--threads", {}, "0", "worker threads (0: all cores)"}, O{"--keep", {}, "5"}, O{"--data-dir"}, O{"--quiet"}},
       {}, OutKind::FolderInto},
      {"ofa-search", "predict",
       "Predicted accuracy, LUT latency, MACs and parameters of the architectures in a YAML file.\n"
       "  ofa-search predict --profile configs/jetson-xavier-nx-gpu.yaml --archs configs/examples/dynamic-ofa-levels.yaml",
       {O{"--profile", R}, O{"--archs", R}, O{"--out", {}, "stdout", "the scores file"}, O{"--format", {}, "yaml", "yaml or csv", {"yaml", "csv"}}, O{"--data-dir"},
        O{"--threads", {}, "0", "predictor threads (0: all cores)"}},
       {}},
      {"ofa-search", "pareto",
       "Build the runtime's library: the measured Pareto front (median latency, accuracy) of a measured.yaml, optionally thinned\n"
       "to K levels spread over its latency range, fastest first (docs/formats.md).\n"
       "  ofa-search pareto --measured runs/local-cpu/measured_acc.yaml --levels 6 --out runs/local-cpu/library.yaml",
       {O{"--measured", R}, O{"--levels", {}, "0"}, O{"--accuracy", {}, "predicted"}, O{"--out", R, {}, "the library file"},
        O{"--plot", {}, {}, "candidates (predicted and measured accuracy), the front and the levels kept"}},
       {}},
      {"ofa-search", "import-dynamic-ofa",
       "Import Dynamic-OFA's own level file: a library (one level per entry, in the file's order: architecture, measured top-1,\n"
       "the file's latency recorded as measured on --latency-device) and one BN file per level (supernet names) in <out stem>_bn/.\n"
       "  ofa-search import-dynamic-ofa nets_6.pickle --weights ofa_supernet.pt --out runs/dynofa/library.yaml",
       {O{"--pickle", R, {}, "also the first bare argument"}, O{"--out", R, {}, "the library file; its BN files go to <stem>_bn/ beside it"},
        O{"--weights", {}, "random", "the supernet the levels run with (recorded in the library, not read)"},
        O{"--latency-device", {}, "dynamic-ofa"}, O{"--device", {}, "cpu", "where the runtime is to run the levels"}},
       {}, OutKind::File, "--pickle"},
      {"ofa-search", "train-predictor",
       "Train the accuracy predictor (OFA's MLP, the space's encoding) on measured accuracy with Adam and MSE; writes a torch.save\n"
       "file in OFA's layout (what a profile's `predictor:` names) and its record beside it (P.yaml: held-out Spearman, RMSE, MAE,\n"
       "the options and data; docs/predictor.md).\n"
       "  ofa-search train-predictor --space ofa-mbv3-w1.2 --data measured_acc.yaml --init ofa_predictor.pt --out runs/p.pt",
       {O{"--space", {}, "ofa-mbv3-w1.2"}, O{"--data", R}, O{"--init", {}, "none: from scratch, the output bias at the mean accuracy"},
        O{"--out", R, {}, "the predictor (.pt); its record goes to the .yaml beside it"}, O{"--epochs", {}, "100"},
        O{"--batch-size", {}, "64", "samples per Adam step"}, O{"--lr", {}, "0.001"}, O{"--weight-decay", {}, "0.0001"},
        O{"--holdout", {}, "0.2"}, O{"--seed", {}, "0", "of the initialisation, the held-out draw and the order of the samples"},
        O{"--threads", {}, "0", "worker threads (0: all cores); the result does not depend on it"}, O{"--quiet"}},
       {}},
      {"ofa-runtime", "infer",
       "Logits of one architecture for an input tensor (files saved with torch.save), exact against OFA's within 1e-4.\n"
       "  ofa-runtime infer --weights supernet.pt --arch net.yaml --input x.pt --out logits.pt",
       {O{"--weights"}, O{"--arch", R}, O{"--bn"}, O{"--input", R}, O{"--out", R, {}, "the logits tensor [N, classes] (.pt)"},
        O{"--space", {}, "ofa-mbv3-w1.2"}, O{"--device", {}, "cpu"}, O{"--engine", {}, "optimized", "auto is for the measuring commands", {"optimized", "onnxruntime", "llga", "eager"}},
        O{"--ort-provider", {}, "cpu"}, O{"--allow-tf32"},
        O{"--seed", {}, "0", "of the random weights (without --weights)"}},
       {}},
      {"ofa-runtime", "engines",
       "Every engine this build has, and whether it is right on this machine: each is checked once per machine (a known network\n"
       "built and warmed as a level is, its logits after the warm-up against a float64 reference, in a child process so a crash\n"
       "is a verdict) and the verdict kept in the user's cache folder; refused engines never serve (docs/engines.md).\n"
       "  ofa-runtime engines\n"
       "  ofa-runtime engines --recheck",
       {O{"--device", {}, "cpu"}, O{"--ort-provider", {}, "cpu"}, O{"--recheck"}},
       {}},
      {"ofa-runtime", "run",
       "Serve synthetic frames back to back through a library's levels, switching levels to hold a latency target (and an\n"
       "accuracy floor) while competing work runs; prints a summary (docs/runtime.md).\n"
       "  ofa-runtime run --library runs/local-cpu/library.yaml --latency-target 40 --duration 15 \\\n"
       "    --contention at=5s,threads=2,for=5s --trace trace.csv --plot trace.svg --summary-json summary.json",
       {O{"--library", R}, O{"--weights", {}, "the library's"}, O{"--device", {}, "cpu"},
        O{"--engine", {}, "the library's", "each level on the engine recorded for it; one given here runs every level on it",
          {"optimized", "onnxruntime", "llga", "eager"}},
        O{"--ort-provider", {}, "the library's"},
        O{"--allow-tf32", {}, {}, "even if the library was measured without it (default: as measured)"},
        O{"--threads", {}, "as measured", "LibTorch intra-op threads"}, O{"--latency-target", R}, O{"--min-accuracy"},
        O{"--prefer", {}, "latency"}, O{"--policy", {}, "ofa-toolchain"}, O{"--duration", R}, O{"--contention"}, O{"--margin", {}, "0.1"}, O{"--up-after", {}, "0.5"},
        O{"--smoothing", {}, "0.5"}, O{"--spike-window", {}, "1"}, O{"--trace"}, O{"--plot", {}, {}, "latency over time coloured by level"},
        O{"--summary-json"}, O{"--warmup", {}, "5", "forwards per level at load"},
        O{"--seed", {}, "0", "of the synthetic frames and of random weights"}, O{"--quiet"}},
       {}},
      {"ofa-runtime", "export",
       "Write every level of a library as a self-contained file, BN folded, plus export.yaml: TorchScript (level_<i>.pt,\n"
       "for torch.jit.load and torch::jit::load) or ONNX (level_<i>.onnx, opset 14, input 'input' [batch,3,r,r], output\n"
       "'logits'; checked by ONNX's checker), each with the level's logits (docs/runtime.md).\n"
       "  ofa-runtime export --library runs/local-cpu/library.yaml --out runs/local-cpu/export [--format onnx]",
       {O{"--library", R}, O{"--weights", {}, "the library's"}, O{"--out", R, {}, "folder, created and written whole or not at all"},
        O{"--format", {}, "torchscript", "torchscript or onnx", {"torchscript", "onnx"}},
        O{"--batch", {}, "1", "the ONNX models' static batch size (TorchScript files take any)"},
        O{"--force", {}, {}, "replace the output folder if it exists and is not empty"},
        O{"--seed", {}, "0", "of random weights (a library measured with random weights)"}},
       {}, OutKind::FolderReplaced},
      {"ofa-runtime", "preprocess",
       "An ImageNet folder (DIR/<wnid>/<image>) through OFA's validation transform (Resize(ceil(r/0.875)), CenterCrop(r),\n"
       "ToTensor, Normalize) as torchvision computes it with PIL, saved as {'images', 'labels', 'files'} (docs/formats.md).\n"
       "  ofa-runtime preprocess --images ../shared/data/images/val --resolution 160 --out val160.pt",
       {O{"--images", R}, O{"--resolution", R}, O{"--out", R, {}, "the .pt file"}, O{"--classes"}, O{"--data-dir"},
        O{"--threads", {}, "0", "decoding threads (0: all cores)"}, O{"--skip-unreadable"}},
       {}},
      {"ofa-measure", "latency",
       "End-to-end latency of the candidates of an ofa-search run, in interleaved rounds (writes measured.yaml); or, with\n"
       "--library, of a library's levels as the runtime builds them (BN files applied), written as a library timed here.\n"
       "  ofa-measure latency --candidates runs/nx-gpu/candidates.yaml --only-front --out runs/nx-gpu/measured.yaml\n"
       "  ofa-measure latency --library runs/dynofa/library.yaml --out runs/dynofa/library-here.yaml",
       with_device({O{"--candidates", {}, {}, "give --candidates or --library"},
                    O{"--library", {}, {}, "re-time its levels on this device; --out is then a library"},
                    O{"--out", R, {}, "measured.yaml, rewritten after every chunk of candidates (with --library: the library)"},
                    O{"--rounds", {}, "5"}, O{"--chunk", {}, "16"}, O{"--seed", {}, "0", "of the rounds' order"}, O{"--pin-cpus"},
                    O{"--only-front"}, O{"--top"}, O{"--spread", {}, {}, "over the predicted latency (for a runtime library)"},
                    O{"--batch", {}, "1"}, O{"--resume"}, O{"--weights", {}, {}, "latency does not depend on them"}},
                   "10", "50"),
       {{"--candidates", "--library"}, {"--library", "--only-front"}, {"--library", "--top"}, {"--library", "--spread"},
        {"--library", "--resume"}, {"--library", "--chunk"}}},
      {"ofa-measure", "lut",
       "Build this device's latency table in OFA's layout, one layer at a time, in interleaved rounds.\n"
       "  ofa-measure lut --space ofa-mbv3-w1.2 --resolutions 160:224:4 --out runs/local-cpu/lut",
       with_device({O{"--space", {}, "ofa-mbv3-w1.2"}, O{"--elastic-kernel"}, O{"--resolutions", {}, "the space's"},
                    O{"--out", R, {}, "folder for <r>_lookup_table.json"}, O{"--resume"}, O{"--rounds", {}, "5"},
                    O{"--seed", {}, "0", "of the rounds' order"}, O{"--pin-cpus"}},
                   "10", "50"),
       {}, OutKind::FolderInto},
      {"ofa-measure", "bn",
       "Recalibrate one subnet's BatchNorm statistics as OFA's set_running_statistics does and write its BN file (what\n"
       "`ofa-runtime infer --bn` and libraries read), from a tensor or from an image folder with OFA's calib_bn augmentation.\n"
       "  ofa-measure bn --weights supernet.pt --arch a.yaml --tensors calib.pt --batch-size 200 --out a_bn.pt\n"
       "  ofa-measure bn --weights supernet.pt --arch a.yaml --images imagenet/train --count 2000 --seed 0 --out a_bn.pt",
       {O{"--weights"}, O{"--seed", {}, "0", "of the draw and augmentation of --images, and of random weights"}, O{"--arch", R},
        O{"--space", {}, "ofa-mbv3-w1.2"}, O{"--tensors"}, O{"--images", {}, {}, "--count of them drawn with --seed"},
        O{"--count", {}, "2000"}, O{"--classes"}, O{"--data-dir"}, O{"--threads", {}, "0", "decoding threads for --images (0: all cores)"},
        O{"--skip-unreadable"}, O{"--batch-size", {}, "200"}, O{"--out", R, {}, "the BN file (.pt)"}},
       {{"--tensors", "--images"}}},
      {"ofa-measure", "calibrate",
       "Fit measured = a * LUT sum + b from a measured.yaml and store it beside the LUT (calibration.yaml, applied whenever\n"
       "the table is loaded).\n"
       "  ofa-measure calibrate --lut runs/local-cpu/lut --measured runs/local-cpu/measured.yaml",
       {O{"--lut", R}, O{"--measured", R}, O{"--force", {}, {}, "write even into the shipped data folder"}, O{"--data-dir"}},
       {}},
      {"ofa-measure", "accuracy",
       "Per row of a measured.yaml: recalibrate BN as OFA's calib_bn does, then evaluate top-1/top-5 on an ImageNet folder;\n"
       "writes measured_accuracy, top5, accuracy_images and the row's BN file (in <out>_bn/), for `ofa-search pareto --accuracy measured`.\n"
       "  ofa-measure accuracy --measured measured.yaml --weights ofa_mbv3_d234_e346_k357_w1.2 --val-images imagenet/val \\\n"
       "    --calib-images imagenet/train --out measured_acc.yaml",
       {O{"--measured", R}, O{"--only-front"}, O{"--top"}, O{"--spread", {}, {}, "over the measured latency range"},
        O{"--weights", {}, {}, "random weights make the figures meaningless"}, O{"--val-images", R}, O{"--limit", {}, "0"},
        O{"--calib-images"}, O{"--calib-count", {}, "2000"}, O{"--calib-batch", {}, "200"}, O{"--no-recalibrate"},
        O{"--seed", {}, "0", "of the calibration draw and augmentation, and of random weights"}, O{"--batch-size", {}, "100"},
        O{"--decode-threads", {}, "0"}, O{"--classes"}, O{"--data-dir"}, O{"--skip-unreadable"}, O{"--resume"},
        O{"--device", {}, "cpu"}, O{"--engine", {}, "optimized", "auto is for the measuring commands", {"optimized", "onnxruntime", "llga", "eager"}}, O{"--ort-provider", {}, "cpu"},
        O{"--threads", {}, "0", "LibTorch intra-op threads (0: LibTorch's default)"},
        O{"--allow-tf32"}, O{"--quiet"}, O{"--out", R, {}, "measured.yaml, rewritten after each resolution's rows"}},
       {{"--calib-images", "--no-recalibrate"}}},
      {"ofa-measure", "latency-model",
       "Fit a latency model of this device from networks measured end to end (interleaved rounds) and report it on held-out\n"
       "networks against the per-layer table, beside the machine's retest floor; the output is a table folder a profile's\n"
       "`lut` can name.\n"
       "  ofa-measure latency-model --lut runs/local-cpu/lut --threads 1 --networks 90 --budget-minutes 10 --out runs/local-cpu/model",
       with_device({O{"--networks", {}, "90"}, O{"--rounds", {}, "6"}, O{"--budget-minutes"},
                    O{"--lut", {}, "MACs at a fitted rate", "the per-layer table to start from"},
                    O{"--resolutions", {}, "160,176,192,208,224"}, O{"--space", {}, "ofa-mbv3-w1.2"},
                    O{"--seed", {}, "0", "of the networks' draw and the rounds' order"}, O{"--regularization", {}, "0.1"},
                    O{"--pin-cpus"}, O{"--force", {}, {}, "replace --out if it exists and is not empty"},
                    O{"--out", R, {}, "folder: <r>_lookup_table.json, quality.yaml, quality.svg, networks.yaml"}},
                   "3", "5"),
       {}, OutKind::FolderReplaced},
  };
  return table;
}

}  // namespace

std::span<const OptionSpec> option_table() { return options(); }
std::span<const CommandSpec> command_table() { return commands(); }

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& o : options())
    if (o.name == name) return &o;
  return nullptr;
}

std::vector<const CommandSpec*> tool_commands(std::string_view tool) {
  std::vector<const CommandSpec*> out;
  for (const CommandSpec& c : commands())
    if (c.tool == tool) out.push_back(&c);
  return out;
}

}  // namespace ofa::common::cli
