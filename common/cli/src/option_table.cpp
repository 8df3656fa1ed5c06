#include "ofa/cli/option_table.hpp"

#include "ofa/common/engine_names.hpp"

#include <algorithm>
#include <limits>

namespace ofa::cli {

Check flag() { return {Check::Kind::Flag, 0, 0, false, {}}; }
Check text() { return {Check::Kind::Text, 0, 0, false, {}}; }
Check integer(std::int64_t min, std::int64_t max) {
  return {Check::Kind::Integer, static_cast<double>(min), static_cast<double>(max), false, {}};
}
Check seed() { return {Check::Kind::Seed, 0, 0, false, {}}; }
Check real(double min, double max, bool min_open, bool max_open) { return {Check::Kind::Real, min, max, min_open, {}, max_open}; }
Check choice(std::vector<std::string_view> choices) { return {Check::Kind::Choice, 0, 0, false, std::move(choices)}; }

namespace {

using common::kMaxBatch;
using common::kMaxCount;

// --engine's names: auto, then every engine (common/engine_names.hpp).
Check engine_choice() {
  std::vector<std::string_view> names{common::kAutoEngine};
  names.insert(names.end(), common::kEngineNames.begin(), common::kEngineNames.end());
  return choice(std::move(names));
}

// Sorted by name, so --help lists and the test that no name repeats read the same. A table,
// not state: constant once built.
const std::vector<OptionSpec> kOptions = {
      {"--accuracy", "SOURCE", "Accuracy a level is ranked by: predicted (the predictor's) or measured (ofa-measure accuracy's; rows without it are left out)",
       choice({"predicted", "measured"})},
      {"--algorithm", "NAME", "Search algorithm: evolution (OFA's, once per constraint), nsga2 (the whole range in one run) or exhaustive (every architecture of a small space)",
       choice({"evolution", "nsga2", "exhaustive"})},
      {"--allow-tf32", "", "Let cuDNN/cuBLAS compute float32 in TF32 on CUDA (faster, ~1e-3 off); without it float32 is exact", flag()},
      {"--arch", "FILE", "YAML file with one architecture {ks, e, d, r}", text(), Role::InputFile},
      {"--archs", "FILE", "YAML file of architectures: one {ks, e, d, r} or a mapping name -> {ks, e, d, r}", text(), Role::InputFile},
      {"--batch", "N", "Batch size the networks run at: latency times forwards of this batch, export fixes the ONNX models' input to it",
       integer(1, kMaxBatch)},
      {"--bn", "FILE", "BN file (.pt): supernet BN name -> running_mean / running_var of this architecture", text(), Role::InputFile},
      {"--budget-minutes", "M", "Fit the measurement into M minutes (fewer calls, then fewer rounds)", real(0, 100'000, true)},
      {"--bundle", "DIR", "Bundle folder written by `ofa-runtime export`: export.yaml and one self-contained file per level (no supernet, no library)",
       text(), Role::InputFolder},
      {"--calib-batch", "N", "Calibration images per batch (the last batch may be short)", integer(1, kMaxBatch)},
      {"--calib-count", "N", "Calibration images drawn from --calib-images", integer(1, kMaxCount)},
      {"--calib-images", "DIR", "Calibration images for BN recalibration: an ImageNet folder DIR/<wnid>/<image>, --calib-count of them drawn with --seed and augmented as OFA's calib_bn (OFA: 2000 training images)", text(), Role::InputFolder},
      {"--calib-method", "NAME", "How int8 activation ranges are taken from calibration: percentile (the tails beyond --calib-percentile cut off) or minmax (ONNX Runtime's default)",
       choice({"percentile", "minmax"})},
      {"--calib-percentile", "P", "Percent of each activation's calibration values its int8 range keeps (--calib-method percentile), the tails cut evenly",
       real(50, 100, true)},
      {"--candidates", "FILE", "candidates.yaml written by ofa-search", text(), Role::InputFile},
      {"--chunk", "N", "Candidates built and interleaved together", integer(1, 10'000)},
      {"--classes", "FILE", "Class list, line i the wnid of class i (default: the data folder's imagenet_classes.txt)", text(), Role::InputFile},
      {"--constraints", "LIST", "Efficiency limits: a list 18,20,24 or a range from:to:step (18:30:2); evolution runs once per limit, nsga2 stays below the largest", text()},
      {"--contention", "SPEC", "Competing work: at=2s,threads=2,for=5s (busy CPU threads; on CUDA, GPU work)", text()},
      {"--convert-precision", "", "Serve levels measured at another precision at --precision anyway (int8 levels as their fp32 networks); their latencies and accuracies are then another precision's",
       flag()},
      {"--correction-epochs", "N", "Epochs of a benchmark's correction (fine-tuning) run", integer(1, 1'000'000)},
      {"--correction-only", "", "Only a benchmark's correction (fine-tuning) run, not its distillation", flag()},
      {"--data", "FILE...", "Training data, one or more files: measured files whose rows carry measured_accuracy, or architecture files whose entries carry accuracy (a fraction)",
       text(), Role::InputFile},
      {"--data-dir", "DIR", "Data folder (default: $OFA_DATA_DIR, then ../shared/data)", text(), Role::InputFolder},
      {"--decode-threads", "N", "Image decoding threads (0: all cores); the result does not depend on it", integer(0, kMaxThreads)},
      {"--device", "DEV", "cpu | cuda | cuda:N", text()},
      {"--dump", "DIR", "Also write each level's models and tensors here, for the Python reference (benchmarks)", text(), Role::Output},
      {"--duration", "S", "Seconds to serve (at least a millisecond)", real(0.001, 365.0 * 24 * 3600)},
      {"--elastic-kernel", "", "CompOFA with elastic kernels", flag()},
      {"--engine", "NAME",
       "How a network runs: optimized (BN folded, TorchScript frozen, oneDNN on CPU), onnxruntime (the ONNX export in ONNX Runtime, where "
       "built), llga (LibTorch 2's oneDNN Graph fusion), eager (op by op, PyTorch's speed), or auto (each network timed on every one of "
       "optimized, onnxruntime and llga this build has, the fastest kept and recorded)",
       engine_choice()},
      {"--epochs", "N", "Passes over the training samples", integer(1, 1'000'000)},
      {"--force", "", "Replace an existing output folder that is not empty", flag()},
      {"--format", "FMT", "Format of the exported networks: auto (each level in the format of the engine it was measured on: ONNX for ONNX Runtime, TorchScript for the others), torchscript or onnx",
       choice({"auto", "torchscript", "onnx"})},
      {"--generations", "N", "Generations", integer(1, kMaxCount)},
      {"--holdout", "F", "Fraction of the samples held out (drawn with --seed) for the reported Spearman, RMSE and MAE", real(0, 0.9)},
      {"--image-count", "N", "Images a benchmark runs through (the shared ones repeated to this count)", integer(1, kMaxCount)},
      {"--init", "FILE", "Accuracy predictor (.pt, OFA's layout) to start from (fine-tune)", text(), Role::InputFile},
      {"--input", "FILE", "Input: one float32 tensor [N, 3, r, r] saved with torch.save", text(), Role::InputFile},
      {"--into-data-dir", "", "Write into the data folder too (the shipped tables are shared by every profile that names them)", flag()},
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
      {"--memory-child", "MODE", "Internal to bench-runtime and bench-bundle: the child process that builds the levels one way and reports its memory",
       choice({"optimized", "shared", "separate", "library", "bundle"})},
      {"--min-accuracy", "F", "Accuracy floor, a fraction like the library's accuracies", real(0, 1)},
      {"--networks", "N", "Networks measured end to end", integer(6, 100'000)},
      {"--no-recalibrate", "", "Keep the supernet's BN statistics (wrong for any subnet but the largest)", flag()},
      {"--noise", "F", "Relative noise of each simulated frame's latency (seeded)", real(0, 10)},
      {"--only-front", "", "Only the candidates on the predicted front", flag()},
      {"--ort-provider", "NAME",
       "ONNX Runtime's execution provider: cpu, or cuda / tensorrt (fp16) with --device cuda and NVIDIA's ONNX Runtime (unverified; docs/onnxruntime.md)",
       choice({"cpu", "cuda", "tensorrt"})},
      {"--out", "PATH", "Output (written whole or not at all)", text(), Role::Output},
      {"--parts", "FILE...", "The parts of a sharded accuracy run (`ofa-measure accuracy --shard I/N` outputs), each of 0..N-1 once", text(),
       Role::InputFile},
      {"--pickle", "FILE", "Dynamic-OFA's level file (nets_6.pickle, nets_7.pickle: a plain pickle, read as data)", text(), Role::InputFile},
      {"--pin-cpus", "CPUS", "Pin the process to these CPUs while measuring, e.g. 0 or 0-1 (default: no pinning)", text()},
      {"--plot", "FILE", "An SVG plot of the result", text(), Role::Output},
      {"--policy", "NAME", "Level policy: ours (ofa-toolchain) or Dynamic-OFA's one-level-per-window manager (dynamic-ofa, docs/runtime.md)",
       choice({"ofa-toolchain", "dynamic-ofa"})},
      {"--population", "N", "Population size", integer(4, kMaxCount)},
      {"--precision", "LIST", "Precision the networks run at: fp32, int8 (an int8 QDQ model on ONNX Runtime, activations calibrated on --calib-images), or a list fp32,int8 where a command measures each",
       text()},
      {"--prefer", "WHAT", "When no level meets both: keep the latency target (latency) or the floor (accuracy)", choice({"latency", "accuracy"})},
      {"--profile", "FILE", "Device profile (configs/*.yaml, docs/profiles.md)", text(), Role::InputFile},
      {"--quiet", "", "No progress or summary on stderr", flag()},
      {"--recheck", "", "Check every engine again on this machine, ignoring the verdicts kept from an earlier check", flag()},
      {"--recorded", "FILE", "A trace `ofa-runtime run --trace` recorded (.csv), replayed as a slowdown trace", text(), Role::InputFile},
      {"--regularization", "W", "Pull of the prior table on the fitted costs", real(0, 1e6)},
      {"--repeats", "N", "Timed calls", integer(1, kMaxCount)},
      {"--resolution", "R", "Crop size r in pixels", integer(32, 1024)},
      {"--resolutions", "LIST", "Resolutions: a list 160,192 or a range 160:224:4", text()},
      {"--resume", "", "Keep what --out already holds (same settings) and do the rest", flag()},
      {"--rounds", "N", "Interleaved rounds the timed calls are spread over (1: one item after another); the half-split noise is written",
       integer(1, 10'000)},
      {"--seed", "N", "Random seed: the same seed gives the same result", seed()},
      {"--shard", "I/N", "Evaluate part I of N of the work (candidates x image ranges) and write a part file for `ofa-measure merge`; without it, the part a Slurm array, srun or mpirun gives (docs/cluster.md)",
       text()},
      {"--skip-unreadable", "", "Leave out images that cannot be read, and say how many", flag()},
      {"--smoothing", "W", "Weight of the newest slowdown sample, (0, 1]", real(0, 1, true)},
      {"--space", "NAME", "Search space", choice({"ofa-mbv3-w1.2", "ofa-mbv3-w1.0", "compofa-mbv3-w1.2"})},
      {"--spike-window", "N", "Median of this many latest frames per sample: 1 reacts to the first slow frame, 3 ignores single spikes", integer(1, kMaxCount)},
      {"--spread", "N", "Only N candidates spread over the latency range", integer(1, kMaxCount)},
      {"--summary-json", "FILE", "The run's summary as JSON", text(), Role::Output},
      {"--switches", "N", "Level switches a benchmark times", integer(1, kMaxCount)},
      {"--table-format", "FMT", "Format of the table written: yaml or csv", choice({"yaml", "csv"})},
      {"--tensors", "FILE", "Calibration images: one float32 tensor [N, 3, r, r], normalised, fed in order", text(), Role::InputFile},
      {"--thread-counts", "LIST", "Thread counts a benchmark runs at, each in turn: a list 1,2 or a range 1:4:1", text()},
      {"--threads", "N", "LibTorch's (and ONNX Runtime's) intra-op threads the networks run with (0: LibTorch's default)", integer(0, kMaxThreads)},
      {"--top", "N", "Only the N candidates of highest predicted accuracy", integer(1, kMaxCount)},
      {"--trace", "FILE", "Per-frame trace: .csv, or .jsonl for JSON lines", text(), Role::Output},
      {"--train-batch", "N", "Training samples per Adam step", integer(1, 100'000)},
      {"--up-after", "S", "Seconds the headroom must last before stepping up", real(0, 1e6)},
      {"--val-batch", "N", "Evaluation images per batch (the last batch may be short)", integer(1, kMaxBatch)},
      {"--val-images", "DIR", "Evaluation images: an ImageNet folder DIR/<wnid>/<image>.JPEG|.png, labels from the class list, OFA's validation transform", text(), Role::InputFolder},
      {"--warmup", "N", "Untimed calls first", integer(0, kMaxCount)},
      {"--weight-decay", "W", "Adam's weight decay (L2 added to the gradient, as torch.optim.Adam)", real(0, 1e3)},
      {"--weights", "FILE", "The supernet the networks come from: a state_dict (.pt, OFA's key names and checkpoint layout, float16 or float32); random weights when absent", text(), Role::InputFile},
      {"--workers", "N", "Worker threads of the search, the predictor or its training (0: all cores); the result does not depend on it", integer(0, kMaxThreads)},
};

}  // namespace

std::span<const OptionSpec> option_table() { return kOptions; }

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& o : kOptions)
    if (o.name == name) return &o;
  return nullptr;
}

}  // namespace ofa::cli
