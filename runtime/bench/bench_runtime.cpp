// bench-runtime: the adaptive runtime's switch cost and memory, measured side by side.
//   bench-runtime --library runs/local-cpu/library.yaml [--weights W.pt] [--switches 200]
// It prints the build and the machine first (common/build_description.hpp).
// 1. Switch cost: alternates between the fastest and the most accurate level (by moving the
//    target) with 4 frames between switches, no contention; cost = decision + first frame at
//    the new level - that level's median over the other frames.
// 2. Memory: resident size (VmRSS) after building and warming the library's levels on the
//    optimized engine (each level its own folded weights), as eager levels sharing the
//    supernet, and as separate eager models; each in a fresh child process.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "ofa/cli/tool_main.hpp"
#include "ofa/common/build_description.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/engine/machine_identity.hpp"
#include "ofa/common/timing_stats.hpp"
#include "ofa/runtime/adaptive/adaptive_network.hpp"
#include "runtime/commands/latency_command.hpp"
#include "runtime/commands/lut_command.hpp"

using namespace ofa::runtime;

namespace {

long rss_kib() {
  std::ifstream f("/proc/self/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// Child: build the levels one way, print "rss_kib weight_bytes".
struct Options {
  std::filesystem::path library;
  std::optional<std::filesystem::path> weights;
  int switches = 200;
  std::string memory_child;  // the child's mode: optimized, shared or separate
};

std::string& program_path() {
  static std::string path;  // argv[0], for the children
  return path;
}

int memory_child(const std::filesystem::path& library, const std::optional<std::filesystem::path>& weights, const std::string& mode) {
  torch::set_num_threads(1);
  const long before = rss_kib();
  AdaptiveOptions o;
  o.policy.target_ms = 1e9;
  o.warmup = 2;
  std::int64_t bytes = 0;
  if (mode == "shared" || mode == "optimized") {
    o.engine = mode == "shared" ? EngineKind::Eager : EngineKind::Optimized;
    const AdaptiveNetwork net = AdaptiveNetwork::load(library, weights, o);
    bytes = net.weight_bytes();
    std::printf("%ld %lld\n", rss_kib() - before, static_cast<long long>(bytes));
    return 0;
  }
  // Separate models, as Dynamic-OFA keeps one per level: each its own copy of its weights.
  const ofa::common::LibraryFile lib = ofa::common::read_library(library);
  const auto space = ofa::common::search_space(lib.space, lib.elastic_kernel);
  std::vector<Subnet> models;
  {
    const Supernet s = weights ? Supernet::load(*weights, space) : Supernet::random(space, 0);
    for (const auto& l : lib.levels) models.push_back(Subnet::from_supernet(space, l.arch, s));
  }  // the supernet is gone: only the models stay
  torch::NoGradGuard no_grad;
  for (const Subnet& m : models)
    for (int k = 0; k < 2; ++k) m.forward(torch::zeros({1, 3, m.arch().r, m.arch().r}));
  for (const Subnet& m : models) bytes += m.weight_bytes();
  std::printf("%ld %lld\n", rss_kib() - before, static_cast<long long>(bytes));
  return 0;
}

std::pair<long, long long> run_child(const Options& opts, const char* mode) {
  std::string cmd = program_path() + " --memory-child " + mode + " --library '" + opts.library.string() + "'";
  if (opts.weights) cmd += " --weights '" + opts.weights->string() + "'";
  FILE* p = ::popen(cmd.c_str(), "r");
  long rss = -1;
  long long bytes = -1;
  if (p) {
    if (std::fscanf(p, "%ld %lld", &rss, &bytes) != 2) rss = -1;
    ::pclose(p);
  }
  return {rss, bytes};
}

// Percentile of a sample, sorted here.
double pct(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return ofa::common::percentile_sorted(v, q);
}

// Alternates between level 0 and the top level (by moving the target) with 5 frames per
// switch; every frame's record.
std::vector<FrameRecord> alternate(const Options& opts, const ofa::common::LibraryFile& lib) {
  torch::set_num_threads(1);
  AdaptiveOptions o;
  o.engine = EngineKind::Optimized;
  o.policy.target_ms = 1e9;
  o.policy.up_after_s = 0;
  AdaptiveNetwork net = AdaptiveNetwork::load(lib, opts.library, opts.weights, o);
  // Targets that pick level 0 and the top level whatever the slowdown estimate.
  const double low = 1e-6, high = 1e9;
  std::map<int, torch::Tensor> frames;
  for (const auto& l : lib.levels) frames.emplace(l.arch.r, torch::randn({1, 3, l.arch.r, l.arch.r}));
  std::vector<FrameRecord> rec;
  for (int s = 0; s <= opts.switches; ++s) {
    net.manager().set_target(s % 2 ? low : high);
    for (int k = 0; k < 5; ++k) {
      net.infer(frames.at(net.resolution()));
      rec.push_back(net.last_frame());
    }
  }
  return rec;
}

void switch_cost(const Options& opts, const ofa::common::LibraryFile& lib) {
  const std::vector<FrameRecord> rec = alternate(opts, lib);
  std::map<int, std::vector<double>> steady;
  for (const auto& r : rec)
    if (!r.switched) steady[r.level].push_back(r.latency_ms);
  std::map<int, double> median;
  for (auto& [l, v] : steady) median[l] = pct(v, 0.5);
  // Control: the same excess over the median for frames that are not the first at a level.
  // On a shared machine its tail is the noise floor any switch cost is measured against.
  std::vector<double> cost, raw, decisions, control, paired, paired_control;
  for (std::size_t i = 1; i < rec.size(); ++i) {
    decisions.push_back(rec[i].decision_us);
    const double c = rec[i - 1].decision_us / 1000 + rec[i].latency_ms - median[rec[i].level];
    (rec[i].switched ? cost : control).push_back(std::max(0.0, c));
    if (rec[i].switched) raw.push_back(c);
  }
  // Paired: the first frame at a level minus the next one, against the next minus the one
  // after; the machine's slow spells last longer than a frame, so pairs cancel much of them.
  for (std::size_t i = 0; i + 2 < rec.size(); ++i)
    if (rec[i].switched && !rec[i + 1].switched && !rec[i + 2].switched) {
      paired.push_back(rec[i].latency_ms - rec[i + 1].latency_ms);
      paired_control.push_back(rec[i + 1].latency_ms - rec[i + 2].latency_ms);
    }
  const int top = static_cast<int>(lib.levels.size()) - 1;
  std::printf("switch cost over %zu switches between level 0 (%.2f ms) and level %d (%.2f ms), 1 thread, no contention:\n", cost.size(), median[0],
              top, median[top]);
  std::printf("  p50 %.3f ms, p90 %.3f ms, p99 %.3f ms (signed: p1 %.3f, p50 %.3f, p99 %.3f)\n", pct(cost, 0.5), pct(cost, 0.9), pct(cost, 0.99),
              pct(raw, 0.01), pct(raw, 0.5), pct(raw, 0.99));
  std::printf("  control, %zu frames that are not the first at their level: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms\n", control.size(),
              pct(control, 0.5), pct(control, 0.9), pct(control, 0.99));
  std::printf("  paired, first minus second frame at the level: p50 %.3f ms, p99 %.3f ms; control (second minus third): p50 %.3f ms, p99 %.3f ms\n",
              pct(paired, 0.5), pct(paired, 0.99), pct(paired_control, 0.5), pct(paired_control, 0.99));
  std::printf("  decision p50 %.2f us, p99 %.2f us\n", pct(decisions, 0.5), pct(decisions, 0.99));
}

void memory(const Options& opts, const ofa::common::LibraryFile& lib) {
  const auto optimized = run_child(opts, "optimized");
  const auto shared = run_child(opts, "shared");
  const auto separate = run_child(opts, "separate");
  std::printf("memory, %zu levels (resident size added by building and warming them; weight storage):\n", lib.levels.size());
  std::printf("  optimized levels:       %7.1f MiB RSS, %7.1f MiB weights (folded)\n", optimized.first / 1024.0, optimized.second / 1048576.0);
  std::printf("  eager, shared supernet: %7.1f MiB RSS, %7.1f MiB weights\n", shared.first / 1024.0, shared.second / 1048576.0);
  std::printf("  separate models:        %7.1f MiB RSS, %7.1f MiB weights\n", separate.first / 1024.0, separate.second / 1048576.0);
  if (shared.first > 0 && optimized.first > 0)
    std::printf("  ratios: separate / shared %.2fx RSS, %.2fx weights; separate / optimized %.2fx RSS\n", double(separate.first) / shared.first,
                double(separate.second) / double(shared.second), double(separate.first) / optimized.first);
}

std::string bench(const Options& o) {
  if (!o.memory_child.empty()) {
    memory_child(o.library, o.weights, o.memory_child);
    return "";
  }
  std::printf("%s", ofa::common::benchmark_header("bench-runtime", engine_stack(false)).c_str());
  const ofa::common::LibraryFile lib = ofa::common::read_library(o.library);
  switch_cost(o, lib);
  memory(o, lib);
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using ofa::cli::bind;
  using O = ofa::cli::CommandOption;
  program_path() = argv[0];
  static const ofa::cli::Tool tool = ofa::cli::single_command_tool<Options>(
      "bench-runtime",
      "bench-runtime: the adaptive runtime's switch cost and memory, measured side by side\n"
      "  bench-runtime --library runs/local-cpu/library.yaml --switches 200",
      {bind(O{"--library", ofa::cli::Need::Required}, &Options::library), bind(O{"--weights"}, &Options::weights),
       bind(O{"--switches"}, &Options::switches), bind(O{"--memory-child", {}, {}, {}, {"optimized", "shared", "separate"}}, &Options::memory_child)},
      [](Options& o, const ofa::common::Reporter&) { return bench(o); });
  return ofa::cli::tool_main(tool, argc, argv);
}
