// bench-engine: the levels of a library (or the architectures of a file) through each way of
// running them, side by side in one run, rounds interleaved:
//   eager      Subnet::forward (the engine before this one; PyTorch-eager speed)
//   optimized  our engine: BN folded, TorchScript frozen and optimised for inference
//   pytorch    PyTorch's own path for the same subnet: OFA's network op for op (unfolded BN,
//              OFA's activation formulas, what tracing OFA's module gives) through
//              torch::jit::freeze + optimize_for_inference, as torch.jit.freeze +
//              torch.jit.optimize_for_inference do in Python
//   exported   the level written by `ofa-runtime export`, reloaded with torch::jit::load and
//              optimised the same way
//   onnxruntime the ONNX Runtime engine (where built): the ONNX export in an ONNX Runtime session
//   llga       the llga engine (LibTorch 2): oneDNN Graph fusion of the frozen folded subnet
//   auto       the engine `--engine auto` keeps for the network (timed first, as the commands do)
//   int8       the network's int8 QDQ model on ONNX Runtime (--precision with int8, where built),
//              its ranges calibrated on 16 seeded random tensors (speed does not depend on them)
// per thread count; ms per level (the minimum over rounds of each round's median), the
// ratios, and GMAC/s of the fastest engine the runtime can serve.
//   bench-engine (--library L.yaml | --archs A.yaml) [--weights W.pt] [--thread-counts 1,2]
//                [--rounds 3] [--repeats 15] [--precision fp32,int8]
// It prints the build and the machine first (common/build_description.hpp).
#include <algorithm>
#include <chrono>
#include <functional>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <torch/script.h>
#include <torch/version.h>
#include <unistd.h>

#include "ofa/cli/tool_main.hpp"
#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/build_description.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/common/timing_stats.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/onnx_subnet.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"
#include "ofa/runtime/measure/fastest_engine.hpp"
#include "ofa/runtime/measure/network_rounds.hpp"
#include "ofa/runtime/engine/inference_optimization.hpp"
#include "ofa/runtime/measure/call_timing.hpp"
#include "ofa/runtime/engine/scripted_subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/precision.hpp"
#include "ofa/runtime/quant/int8_subnet.hpp"

using namespace ofa::runtime;
using namespace ofa::common;

namespace {

struct Case {
  std::string name;
  ArchConfig arch;
  double macs_m = 0;
};

struct Variant {
  const char* name;
  std::function<torch::Tensor(const torch::Tensor&)> run;
};

// Median of `repeats` calls: the same timing the measuring commands use.
double median_ms(const std::function<torch::Tensor(const torch::Tensor&)>& run, const torch::Tensor& x, int repeats) {
  return time_calls([&] { run(x); }, {torch::kCPU, 0, repeats}).median_ms;
}

struct Options {
  std::optional<std::filesystem::path> library, archs, weights;
  std::string thread_counts = "1,2";
  int rounds = 3, repeats = 15;
  std::string precision = "fp32,int8";  // int8 adds the int8 column where ONNX Runtime is built
};

// The networks: the library's levels, then the file's architectures, each with its MACs.
std::vector<Case> load_cases(const Options& o, SearchSpace& space) {
  std::vector<Case> cases;
  std::string space_name = "ofa-mbv3-w1.2";
  bool elastic_kernel = false;
  if (o.library) {
    const auto lib = ofa::common::read_library(*o.library);
    space_name = lib.space;
    elastic_kernel = lib.elastic_kernel;
    for (std::size_t i = 0; i < lib.levels.size(); ++i) cases.push_back({"level " + std::to_string(i), lib.levels[i].arch});
  }
  space = search_space(space_name, elastic_kernel);
  if (o.archs)
    for (const auto& a : read_archs(*o.archs, space)) cases.push_back({a.name, a.arch});
  for (auto& c : cases) c.macs_m = complexity(enumerate_layers(space, c.arch)).macs / 1e6;
  return cases;
}

// One network's ways of running, and the one auto keeps for it.
struct NetworkVariants {
  std::vector<Variant> variants;
  std::size_t auto_pick = 1;
};

// `net`'s int8 QDQ model on ONNX Runtime, its ranges calibrated on two batches of 8 seeded
// random tensors.
Engine int8_variant(const Subnet& net) {
  torch::manual_seed(0);
  const int r = net.arch().r;
  std::vector<torch::Tensor> batches{torch::randn({8, 3, r, r}), torch::randn({8, 3, r, r})};
  const ValueRanges ranges = calibrate_subnet(net, [&](std::size_t i) { return batches[i]; }, batches.size(), RangeMethod{});
  return Engine::from_onnx(int8_subnet_bytes(net, ranges), net.arch(), torch::kCPU, OrtProvider::Cpu, "int8");
}

// Every way of running `net`, warmed up and checked to compute eager's logits; auto's choice as
// `ofa-measure latency --engine auto` makes it with its defaults (5 rounds, 50 calls, 10
// warm-up): every contender timed in the same interleaved rounds, the fastest kept.
NetworkVariants network_variants(const Subnet& net, const torch::Tensor& input, const std::filesystem::path& file, int threads, const std::string& name,
                                 bool int8) {
  const Engine eager(net, EngineKind::Eager), optimized(net, EngineKind::Optimized);
  torch::jit::Module pytorch = ofa::runtime::optimize_for_inference(script_subnet(net, ScriptForm::Literal), torch::kCPU);
  script_subnet(net).save(file.string());
  torch::jit::Module exported = ofa::runtime::optimize_for_inference(torch::jit::load(file.string()), torch::kCPU);
  NetworkVariants n;
  n.variants = {{"eager", [eager](const torch::Tensor& x) { return eager.forward(x); }},
                {"optimized", [optimized](const torch::Tensor& x) { return optimized.forward(x); }},
                {"pytorch", [pytorch](const torch::Tensor& x) mutable { return run_module(pytorch, x); }},
                {"exported", [exported](const torch::Tensor& x) mutable { return run_module(exported, x); }}};
  std::vector<TimedNetwork> contenders{{optimized, input}};
  for (EngineKind kind : {EngineKind::OnnxRuntime, EngineKind::Llga}) {
    if (kind == EngineKind::OnnxRuntime ? !onnxruntime_available() : !llga_available()) continue;
    const Engine e(net, kind);
    n.variants.push_back({engine_name(kind), [e](const torch::Tensor& x) { return e.forward(x); }});
    contenders.push_back({e, input});
  }
  const auto timings = keep_fastest(time_networks(contenders, torch::kCPU, RoundsOptions{5, 10, 10, 0, {}, {}}), auto_engines());
  for (std::size_t k = 0; k < n.variants.size(); ++k)
    if (std::strcmp(n.variants[k].name, engine_name(timings.front().engine)) == 0) n.auto_pick = k;
  // ONNX Runtime alone, as a user of ONNX Runtime runs it: its defaults (workers spinning
  // between runs), the same model. Last in each round, so its spinning workers slow nothing
  // of this level's but the next level's eager column.
  if (onnxruntime_available()) {
    const OrtSession alone(onnx_subnet_bytes(net, 1), threads, OrtProvider::Cpu, "ONNX Runtime alone", 0, true);
    n.variants.push_back({"onnxruntime alone", [alone](const torch::Tensor& x) { return alone.run(x); }});
  }
  if (int8) {
    const Engine q = int8_variant(net);  // ONNX Runtime's threads: LibTorch's, as every engine's
    n.variants.push_back({"int8", [q](const torch::Tensor& x) { return q.forward(x); }});
  }
  // Warm-up (TorchScript's profiling executor optimises on the first calls) and the check (not
  // int8's: it is another network, close to float32, not equal).
  const torch::Tensor ref = n.variants[0].run(input);
  for (auto& var : n.variants) {
    torch::Tensor y;
    for (int k = 0; k < 5; ++k) y = var.run(input);
    const double err = (y - ref).abs().max().item<double>();
    if (err > 1e-4 && std::strcmp(var.name, "int8") != 0) std::printf("  warning: %s %s differs from eager by %.2e\n", name.c_str(), var.name, err);
  }
  return n;
}

// Geometric means over the networks, as the table's last line says them.
struct Summary {
  std::vector<double> log_ratio;  // each variant over optimized
  double log_speedup = 0, log_vs_pytorch = 0, worst_auto = 0, worst_vs_alone = 0, log_vs_alone = 0;
  double log_int8 = 0, worst_int8 = 1e300;  // the fastest fp32 engine over int8
};

// Not engines auto chooses among: ONNX Runtime alone (a user's session) and int8 (another precision).
bool fp32_contender(const char* name) { return std::strcmp(name, "onnxruntime alone") != 0 && std::strcmp(name, "int8") != 0; }

// One network's row: ms per variant, auto's pick, the ratios, the fastest servable engine.
std::string table_row(const Case& c, const NetworkVariants& n, const std::vector<double>& b, Summary& sum) {
  std::string row = "| " + c.name + " | " + std::to_string(c.arch.r) + " | ";
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.1f |", c.macs_m);
  row += buf;
  std::size_t fastest = 1;  // among what the runtime can serve: optimized, onnxruntime, llga
  for (std::size_t v = 0; v < b.size(); ++v) {
    std::snprintf(buf, sizeof buf, " %.2f |", b[v]);
    row += buf;
    sum.log_ratio[v] += std::log(b[v] / b[1]);
    // The columns after exported are engines auto may choose, but for ONNX Runtime alone and int8.
    if (v > 3 && fp32_contender(n.variants[v].name) && b[v] < b[fastest]) fastest = v;
  }
  const double auto_ms = b[n.auto_pick];
  for (std::size_t v = 0; v < b.size(); ++v) {
    if (std::strcmp(n.variants[v].name, "onnxruntime alone") == 0) {
      sum.worst_vs_alone = std::max(sum.worst_vs_alone, b[fastest] / b[v]);
      sum.log_vs_alone += std::log(b[fastest] / b[v]);
    } else if (std::strcmp(n.variants[v].name, "int8") == 0) {
      sum.worst_int8 = std::min(sum.worst_int8, b[fastest] / b[v]);
      sum.log_int8 += std::log(b[fastest] / b[v]);
    }
  }
  sum.worst_auto = std::max(sum.worst_auto, auto_ms / b[fastest]);
  std::snprintf(buf, sizeof buf, " %.2f (%s) | %.2fx | %.2fx | %s | %.2f | %.1f |", auto_ms, n.variants[n.auto_pick].name, b[0] / b[1], b[1] / b[2],
                n.variants[fastest].name, auto_ms / b[fastest], c.macs_m / b[fastest]);
  sum.log_speedup += std::log(b[0] / b[1]);
  sum.log_vs_pytorch += std::log(b[1] / b[2]);
  return row + buf;
}

// Every network through every variant at one thread count: rounds interleaved, the minimum
// over rounds of each round's median, printed as a table and its geometric means.
void run_at(const Options& o, const SearchSpace& space, const std::vector<Case>& cases, const Supernet& supernet, const std::filesystem::path& tmp,
            int threads) {
  torch::set_num_threads(threads);
  const std::vector<std::string> precisions = parse_precision_list(o.precision, "--precision");
  const bool int8 = std::find(precisions.begin(), precisions.end(), kInt8) != precisions.end() && onnxruntime_available();
  if (!int8 && o.precision != "fp32,int8" && std::find(precisions.begin(), precisions.end(), kInt8) != precisions.end())
    throw Error("--precision " + o.precision + ": the int8 column runs on ONNX Runtime, which this build lacks");
  std::vector<NetworkVariants> nets;
  std::vector<torch::Tensor> inputs;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    inputs.push_back(torch::randn({1, 3, cases[i].arch.r, cases[i].arch.r}));
    nets.push_back(network_variants(Subnet::from_supernet(space, cases[i].arch, supernet), inputs.back(),
                                    tmp / ("level_" + std::to_string(i) + ".pt"), threads, cases[i].name, int8));
  }
  const std::size_t nv = nets.front().variants.size();
  std::vector<std::vector<double>> best(cases.size(), std::vector<double>(nv, 1e300));
  for (int r = 0; r < o.rounds; ++r)
    for (std::size_t i = 0; i < cases.size(); ++i)
      for (std::size_t v = 0; v < nv; ++v) best[i][v] = std::min(best[i][v], median_ms(nets[i].variants[v].run, inputs[i], o.repeats));
  std::printf("\n%d thread(s): ms per forward at batch 1 (min over rounds of the round's median)\n", threads);
  std::string header = "| network | r | MMACs |", rule = "|---|---|---|";
  for (const Variant& v : nets.front().variants) header += std::string(" ") + v.name + " |", rule += "---|";
  header += " auto | eager/optimized | optimized/pytorch | fastest | auto/fastest | GMAC/s (fastest) |";
  rule += "---|---|---|---|---|---|";
  std::printf("%s\n%s\n", header.c_str(), rule.c_str());
  Summary sum;
  sum.log_ratio.assign(nv, 0.0);
  for (std::size_t i = 0; i < cases.size(); ++i) std::printf("%s\n", table_row(cases[i], nets[i], best[i], sum).c_str());
  const double n = static_cast<double>(cases.size());
  std::printf("geometric mean: eager / optimized %.2fx; optimized / pytorch %.2fx", std::exp(sum.log_speedup / n), std::exp(sum.log_vs_pytorch / n));
  for (std::size_t v = 3; v < nv; ++v) std::printf("; %s / optimized %.2fx", nets.front().variants[v].name, std::exp(sum.log_ratio[v] / n));
  std::printf("; auto at most %.2fx the fastest engine", sum.worst_auto);
  if (sum.worst_vs_alone > 0)
    std::printf("; fastest engine / ONNX Runtime alone %.2fx (at most %.2fx)", std::exp(sum.log_vs_alone / n), sum.worst_vs_alone);
  if (sum.worst_int8 < 1e300)
    std::printf("; int8 speed-up over the fastest fp32 engine %.2fx (at least %.2fx)", std::exp(sum.log_int8 / n), sum.worst_int8);
  std::printf("\n");
}

std::string bench_engine(const Options& o) {
  if (o.library.has_value() == o.archs.has_value()) throw Error("give --library FILE or --archs FILE (one of them)");
  SearchSpace space;
  const std::vector<Case> cases = load_cases(o, space);
  if (cases.empty()) throw Error("no networks to run");
  const Supernet supernet = o.weights ? Supernet::load(*o.weights, space) : Supernet::random(space, 0);
  const auto tmp = std::filesystem::temp_directory_path() / ("bench-engine-" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  std::printf("%s", benchmark_header("bench-engine", "LibTorch " TORCH_VERSION ", ONNX Runtime " +
                                                         (onnxruntime_available() ? onnxruntime_version() : std::string("not built")))
                        .c_str());
  std::printf("bench-engine: %zu networks, %d rounds x %d repeats, weights %s\n", cases.size(), o.rounds, o.repeats,
              o.weights ? o.weights->c_str() : "random");
  for (int threads : parse_thread_counts(o.thread_counts)) run_at(o, space, cases, supernet, tmp, threads);
  std::filesystem::remove_all(tmp);
  return "";
}

const ofa::cli::Tool& tool() {
  using ofa::cli::bind;
  using O = ofa::cli::CommandOption;
  static const ofa::cli::Tool t{
      "bench-engine", "bench-engine: a library's levels (or a file's architectures) through every way of running them, side by side", "stopped",
      {ofa::cli::make_command<Options>(
          {"bench-engine", "", "Each network through eager, optimized, PyTorch's own path, the exported file, ONNX Runtime and llga (where built),\n"
                               "rounds interleaved; ms per forward, the ratios, auto's choice (docs/performance.md).\n"
                               "  bench-engine --library runs/local-cpu/library.yaml --thread-counts 1,2",
           {}, {{"--library", "--archs"}}},
          {bind(O{"--library"}, &Options::library), bind(O{"--archs"}, &Options::archs), bind(O{"--weights"}, &Options::weights),
           bind(O{"--thread-counts"}, &Options::thread_counts), bind(O{"--rounds"}, &Options::rounds), bind(O{"--repeats"}, &Options::repeats),
           bind(O{"--precision", {}, {}, "int8 adds each network's int8 QDQ model on ONNX Runtime (where built)"}, &Options::precision)},
          [](Options& o, const ofa::common::Reporter&) { return bench_engine(o); })}};
  return t;
}

}  // namespace

int main(int argc, char** argv) { return ofa::cli::tool_main(tool(), argc, argv); }
