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
// per thread count; ms per level (the minimum over rounds of each round's median), the
// ratios, and GMAC/s of the fastest engine the runtime can serve.
//   bench-engine (--library L.yaml | --archs A.yaml) [--weights W.pt] [--threads 1,2]
//                [--rounds 3] [--repeats 15]
#include <algorithm>
#include <chrono>
#include <functional>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <torch/script.h>
#include <torch/version.h>
#include <unistd.h>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/common/timing_stats.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/onnx_subnet.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"
#include "ofa/runtime/measure/engine_selection.hpp"
#include "ofa/runtime/measure/network_rounds.hpp"
#include "ofa/runtime/engine/inference_optimization.hpp"
#include "ofa/runtime/measure/measurement.hpp"
#include "ofa/runtime/engine/scripted_subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/common/library_file.hpp"

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

}  // namespace

int main(int argc, char** argv) {
  std::string library, archs, weights, threads_arg = "1,2";
  int rounds = 3, repeats = 15;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--library") library = argv[i + 1];
    else if (a == "--archs") archs = argv[i + 1];
    else if (a == "--weights") weights = argv[i + 1];
    else if (a == "--threads") threads_arg = argv[i + 1];
    else if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
    else if (a == "--repeats") repeats = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "bench-engine: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (library.empty() == archs.empty() || rounds < 1 || repeats < 1) {
    std::fprintf(stderr, "usage: bench-engine (--library L.yaml | --archs A.yaml) [--weights W.pt] [--threads 1,2] [--rounds 3] [--repeats 15]\n");
    return 2;
  }
  try {
    std::vector<Case> cases;
    std::string space_name = "ofa-mbv3-w1.2";
    bool elastic_kernel = false;
    if (!library.empty()) {
      const auto lib = ofa::common::read_library(library);
      space_name = lib.space;
      elastic_kernel = lib.elastic_kernel;
      for (std::size_t i = 0; i < lib.levels.size(); ++i) cases.push_back({"level " + std::to_string(i), lib.levels[i].arch});
    }
    const SearchSpace space = search_space(space_name, elastic_kernel);
    if (!archs.empty())
      for (const auto& a : read_archs(archs, space)) cases.push_back({a.name, a.arch});
    for (auto& c : cases) c.macs_m = complexity(enumerate_layers(space, c.arch)).macs / 1e6;
    const Supernet supernet = weights.empty() ? Supernet::random(space, 0) : Supernet::load(weights, space);
    const auto tmp = std::filesystem::temp_directory_path() / ("bench-engine-" + std::to_string(::getpid()));
    std::filesystem::create_directories(tmp);

    std::printf("bench-engine: %s, LibTorch %s, ONNX Runtime %s, %zu networks, %d rounds x %d repeats, weights %s\n", machine_description().c_str(),
                TORCH_VERSION, onnxruntime_available() ? onnxruntime_version().c_str() : "not built", cases.size(), rounds, repeats, weights.empty() ? "random" : weights.c_str());
    for (double t : parse_constraints(threads_arg)) {
      const int threads = static_cast<int>(t);
      torch::set_num_threads(threads);
      std::vector<std::vector<Variant>> variants;
      std::vector<torch::Tensor> inputs;
      std::vector<std::size_t> auto_pick;  // per network: the variant auto chose
      for (std::size_t i = 0; i < cases.size(); ++i) {
        const Subnet net = Subnet::from_supernet(space, cases[i].arch, supernet);
        const Engine eager(net, EngineKind::Eager), optimized(net, EngineKind::Optimized);
        torch::jit::Module pytorch = ofa::runtime::optimize_for_inference(script_subnet(net, ScriptForm::Literal), torch::kCPU);
        const auto file = tmp / ("level_" + std::to_string(i) + ".pt");
        script_subnet(net).save(file.string());
        torch::jit::Module exported = ofa::runtime::optimize_for_inference(torch::jit::load(file.string()), torch::kCPU);
        std::vector<Variant> v{{"eager", [eager](const torch::Tensor& x) { return eager.forward(x); }},
                               {"optimized", [optimized](const torch::Tensor& x) { return optimized.forward(x); }},
                               {"pytorch", [pytorch](const torch::Tensor& x) mutable { return run_module(pytorch, x); }},
                               {"exported", [exported](const torch::Tensor& x) mutable { return run_module(exported, x); }}};
        inputs.push_back(torch::randn({1, 3, cases[i].arch.r, cases[i].arch.r}));
        std::vector<TimedNetwork> contenders{{optimized, inputs.back()}};
        if (onnxruntime_available()) {
          const Engine ort(net, EngineKind::OnnxRuntime);
          v.push_back({"onnxruntime", [ort](const torch::Tensor& x) { return ort.forward(x); }});
          contenders.push_back({ort, inputs.back()});
        }
        if (llga_available()) {
          const Engine llga(net, EngineKind::Llga);
          v.push_back({"llga", [llga](const torch::Tensor& x) { return llga.forward(x); }});
          contenders.push_back({llga, inputs.back()});
        }
        // auto's choice for this network, as `ofa-measure latency --engine auto` makes it with
        // its defaults (5 rounds, 50 calls, 10 warm-up): every contender timed in the same
        // interleaved rounds, the fastest kept.
        const std::vector<EngineKind> engines = auto_engines();
        const auto timings = keep_fastest(time_networks(contenders, torch::kCPU, RoundsOptions{5, 10, 10, 0, nullptr, {}}), engines);
        for (std::size_t k = 0; k < v.size(); ++k)
          if (std::strcmp(v[k].name, engine_name(timings.front().engine)) == 0) auto_pick.push_back(k);
        // ONNX Runtime alone, as a user of ONNX Runtime runs it: its defaults (workers spinning
        // between runs), the same model. Last in each round, so its spinning workers slow
        // nothing of this level's but the next level's eager column.
        if (onnxruntime_available()) {
          const OrtSession alone(onnx_subnet_bytes(net, 1), threads, OrtProvider::Cpu, "ONNX Runtime alone", 0, true);
          v.push_back({"onnxruntime alone", [alone](const torch::Tensor& x) { return alone.run(x); }});
        }
        variants.push_back(std::move(v));
        // Warm-up (TorchScript's profiling executor optimises on the first calls) and a check
        // that every variant computes the same logits.
        const torch::Tensor ref = variants.back()[0].run(inputs.back());
        for (auto& var : variants.back()) {
          torch::Tensor y;
          for (int k = 0; k < 5; ++k) y = var.run(inputs.back());
          const double err = (y - ref).abs().max().item<double>();
          if (err > 1e-4) std::printf("  warning: %s %s differs from eager by %.2e\n", cases[i].name.c_str(), var.name, err);
        }
      }
      const std::size_t nv = variants.front().size();
      std::vector<std::vector<double>> best(cases.size(), std::vector<double>(nv, 1e300));
      for (int r = 0; r < rounds; ++r)
        for (std::size_t i = 0; i < cases.size(); ++i)
          for (std::size_t v = 0; v < nv; ++v) best[i][v] = std::min(best[i][v], median_ms(variants[i][v].run, inputs[i], repeats));
      std::printf("\n%d thread(s): ms per forward at batch 1 (min over rounds of the round's median)\n", threads);
      std::string header = "| network | r | MMACs |", rule = "|---|---|---|";
      for (const Variant& v : variants.front()) header += std::string(" ") + v.name + " |", rule += "---|";
      header += " auto | eager/optimized | optimized/pytorch | fastest | auto/fastest | GMAC/s (fastest) |";
      rule += "---|---|---|---|---|---|";
      std::printf("%s\n%s\n", header.c_str(), rule.c_str());
      std::vector<double> log_ratio(nv, 0.0);  // each variant over optimized
      double log_speedup = 0, log_vs_pytorch = 0, worst_auto = 0, worst_vs_alone = 0, log_vs_alone = 0;
      for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& b = best[i];
        std::string row = "| " + cases[i].name + " | " + std::to_string(cases[i].arch.r) + " | ";
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f |", cases[i].macs_m);
        row += buf;
        std::size_t fastest = 1;  // among what the runtime can serve: optimized, onnxruntime, llga
        for (std::size_t v = 0; v < nv; ++v) {
          std::snprintf(buf, sizeof buf, " %.2f |", b[v]);
          row += buf;
          log_ratio[v] += std::log(b[v] / b[1]);
          // The columns after exported are engines auto may choose (ONNX Runtime alone is not one).
          if (v > 3 && std::strcmp(variants[i][v].name, "onnxruntime alone") != 0 && b[v] < b[fastest]) fastest = v;
        }
        const double auto_ms = b[auto_pick[i]];
        if (std::strcmp(variants[i].back().name, "onnxruntime alone") == 0) {
          worst_vs_alone = std::max(worst_vs_alone, b[fastest] / b.back());
          log_vs_alone += std::log(b[fastest] / b.back());
        }
        worst_auto = std::max(worst_auto, auto_ms / b[fastest]);
        std::snprintf(buf, sizeof buf, " %.2f (%s) | %.2fx | %.2fx | %s | %.2f | %.1f |", auto_ms, variants[i][auto_pick[i]].name, b[0] / b[1], b[1] / b[2],
                      variants[i][fastest].name, auto_ms / b[fastest], cases[i].macs_m / b[fastest]);
        row += buf;
        std::printf("%s\n", row.c_str());
        log_speedup += std::log(b[0] / b[1]);
        log_vs_pytorch += std::log(b[1] / b[2]);
      }
      const double n = static_cast<double>(cases.size());
      std::printf("geometric mean: eager / optimized %.2fx; optimized / pytorch %.2fx", std::exp(log_speedup / n), std::exp(log_vs_pytorch / n));
      for (std::size_t v = 3; v < nv; ++v) std::printf("; %s / optimized %.2fx", variants.front()[v].name, std::exp(log_ratio[v] / n));
      std::printf("; auto at most %.2fx the fastest engine", worst_auto);
      if (worst_vs_alone > 0)
        std::printf("; fastest engine / ONNX Runtime alone %.2fx (at most %.2fx)", std::exp(log_vs_alone / n), worst_vs_alone);
      std::printf("\n");
    }
    std::filesystem::remove_all(tmp);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-engine: %s\n", e.what());
    return 1;
  }
  return 0;
}
