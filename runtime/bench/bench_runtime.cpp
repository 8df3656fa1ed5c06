// bench-runtime: the adaptive runtime's switch cost and memory, measured side by side.
//   bench-runtime --library runs/local-cpu/library.yaml [--weights W.pt] [--switches 200]
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

#include "ofa/common/search_space.hpp"
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

std::optional<std::filesystem::path> weights_arg(const char* w) {
  return w ? std::optional<std::filesystem::path>(w) : std::nullopt;
}

// Child: build the levels one way, print "rss_kib weight_bytes".
int memory_child(const char* library, const char* weights, const std::string& mode) {
  torch::set_num_threads(1);
  const long before = rss_kib();
  AdaptiveOptions o;
  o.policy.target_ms = 1e9;
  o.warmup = 2;
  std::int64_t bytes = 0;
  if (mode == "shared" || mode == "optimized") {
    o.engine = mode == "shared" ? EngineKind::Eager : EngineKind::Optimized;
    const AdaptiveNetwork net = AdaptiveNetwork::load(library, weights_arg(weights), o);
    bytes = net.weight_bytes();
    std::printf("%ld %lld\n", rss_kib() - before, static_cast<long long>(bytes));
    return 0;
  }
  // Separate models, as Dynamic-OFA keeps one per level: each its own copy of its weights.
  const ofa::common::LibraryFile lib = ofa::common::read_library(library);
  const auto space = ofa::common::search_space(lib.space, lib.elastic_kernel);
  std::vector<Subnet> models;
  {
    const Supernet s = weights ? Supernet::load(weights, space) : Supernet::random(space, 0);
    for (const auto& l : lib.levels) models.push_back(Subnet::from_supernet(space, l.arch, s));
  }  // the supernet is gone: only the models stay
  torch::NoGradGuard no_grad;
  for (const Subnet& m : models)
    for (int k = 0; k < 2; ++k) m.forward(torch::zeros({1, 3, m.arch().r, m.arch().r}));
  for (const Subnet& m : models) bytes += m.weight_bytes();
  std::printf("%ld %lld\n", rss_kib() - before, static_cast<long long>(bytes));
  return 0;
}

std::pair<long, long long> run_child(const char* self, const char* library, const char* weights, const char* mode) {
  std::string cmd = std::string(self) + " --memory-child " + mode + " --library " + library;
  if (weights) cmd += std::string(" --weights ") + weights;
  FILE* p = ::popen(cmd.c_str(), "r");
  long rss = -1;
  long long bytes = -1;
  if (p) {
    if (std::fscanf(p, "%ld %lld", &rss, &bytes) != 2) rss = -1;
    ::pclose(p);
  }
  return {rss, bytes};
}

}  // namespace

int main(int argc, char** argv) {
  const char *library = nullptr, *weights = nullptr, *child = nullptr;
  int switches = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--library")) library = argv[i + 1];
    else if (!std::strcmp(argv[i], "--weights")) weights = argv[i + 1];
    else if (!std::strcmp(argv[i], "--switches")) switches = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--memory-child")) child = argv[i + 1];
  }
  if (!library) {
    std::fprintf(stderr, "usage: bench-runtime --library L.yaml [--weights W.pt] [--switches N]\n");
    return 2;
  }
  try {
    if (child) return memory_child(library, weights, child);

    torch::set_num_threads(1);
    AdaptiveOptions o;
    o.policy.target_ms = 1e9;
    o.policy.up_after_s = 0;
    const ofa::common::LibraryFile lib = ofa::common::read_library(library);
    AdaptiveNetwork net = AdaptiveNetwork::load(lib, library, weights_arg(weights), o);
    const int top = static_cast<int>(net.levels()) - 1;
    // Targets that pick level 0 and the top level whatever the slowdown estimate.
    const double low = 1e-6, high = 1e9;
    std::map<int, torch::Tensor> frames;
    for (const auto& l : lib.levels) frames.emplace(l.arch.r, torch::randn({1, 3, l.arch.r, l.arch.r}));
    std::vector<FrameRecord> rec;
    for (int s = 0; s <= switches; ++s) {
      net.manager().set_target(s % 2 ? low : high);
      for (int k = 0; k < 5; ++k) {
        net.infer(frames.at(net.resolution()));
        rec.push_back(net.last_frame());
      }
    }
    std::map<int, std::vector<double>> steady;
    for (const auto& r : rec)
      if (!r.switched) steady[r.level].push_back(r.latency_ms);
    std::map<int, double> median;
    for (auto& [l, v] : steady) {
      std::sort(v.begin(), v.end());
      median[l] = ofa::common::percentile_sorted(v, 0.5);
    }
    // Control: the same excess over the median for frames that are not the first at a level.
    // On a shared machine its tail is the noise floor any switch cost is measured against.
    std::vector<double> cost, raw, decisions, control;
    for (std::size_t i = 1; i < rec.size(); ++i) {
      decisions.push_back(rec[i].decision_us);
      if (!rec[i].switched) {
        control.push_back(std::max(0.0, rec[i - 1].decision_us / 1000 + rec[i].latency_ms - median[rec[i].level]));
        continue;
      }
      const double c = rec[i - 1].decision_us / 1000 + rec[i].latency_ms - median[rec[i].level];
      raw.push_back(c);
      cost.push_back(std::max(0.0, c));
    }
    std::sort(cost.begin(), cost.end());
    std::sort(raw.begin(), raw.end());
    std::sort(decisions.begin(), decisions.end());
    std::sort(control.begin(), control.end());
    std::printf("switch cost over %zu switches between level 0 (%.2f ms) and level %d (%.2f ms), 1 thread, no contention:\n",
                cost.size(), median[0], top, median[top]);
    std::printf("  p50 %.3f ms, p90 %.3f ms, p99 %.3f ms (signed: p1 %.3f, p50 %.3f, p99 %.3f)\n",
                ofa::common::percentile_sorted(cost, 0.5), ofa::common::percentile_sorted(cost, 0.9),
                ofa::common::percentile_sorted(cost, 0.99), ofa::common::percentile_sorted(raw, 0.01),
                ofa::common::percentile_sorted(raw, 0.5), ofa::common::percentile_sorted(raw, 0.99));
    std::printf("  control, %zu frames that are not the first at their level: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms\n",
                control.size(), ofa::common::percentile_sorted(control, 0.5), ofa::common::percentile_sorted(control, 0.9),
                ofa::common::percentile_sorted(control, 0.99));
    // Paired: the first frame at a level minus the next one, against the next minus the one
    // after; the machine's slow spells last longer than a frame, so pairs cancel much of them.
    std::vector<double> paired, paired_control;
    for (std::size_t i = 0; i + 2 < rec.size(); ++i)
      if (rec[i].switched && !rec[i + 1].switched && !rec[i + 2].switched) {
        paired.push_back(rec[i].latency_ms - rec[i + 1].latency_ms);
        paired_control.push_back(rec[i + 1].latency_ms - rec[i + 2].latency_ms);
      }
    std::sort(paired.begin(), paired.end());
    std::sort(paired_control.begin(), paired_control.end());
    std::printf("  paired, first minus second frame at the level: p50 %.3f ms, p99 %.3f ms; control (second minus third): p50 %.3f ms, p99 %.3f ms\n",
                ofa::common::percentile_sorted(paired, 0.5), ofa::common::percentile_sorted(paired, 0.99),
                ofa::common::percentile_sorted(paired_control, 0.5), ofa::common::percentile_sorted(paired_control, 0.99));
    std::printf("  decision p50 %.2f us, p99 %.2f us\n", ofa::common::percentile_sorted(decisions, 0.5),
                ofa::common::percentile_sorted(decisions, 0.99));

    const auto optimized = run_child(argv[0], library, weights, "optimized");
    const auto shared = run_child(argv[0], library, weights, "shared");
    const auto separate = run_child(argv[0], library, weights, "separate");
    std::printf("memory, %zu levels (resident size added by building and warming them; weight storage):\n", lib.levels.size());
    std::printf("  optimized levels:       %7.1f MiB RSS, %7.1f MiB weights (folded)\n", optimized.first / 1024.0, optimized.second / 1048576.0);
    std::printf("  eager, shared supernet: %7.1f MiB RSS, %7.1f MiB weights\n", shared.first / 1024.0, shared.second / 1048576.0);
    std::printf("  separate models:        %7.1f MiB RSS, %7.1f MiB weights\n", separate.first / 1024.0, separate.second / 1048576.0);
    if (shared.first > 0 && optimized.first > 0)
      std::printf("  ratios: separate / shared %.2fx RSS, %.2fx weights; separate / optimized %.2fx RSS\n", double(separate.first) / shared.first,
                  double(separate.second) / double(shared.second), double(separate.first) / optimized.first);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-runtime: %s\n", e.what());
    return 1;
  }
  return 0;
}
