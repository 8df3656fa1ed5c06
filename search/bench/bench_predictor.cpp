// Throughput of the accuracy predictor: candidates per second at batch 100, 1 and 2 threads.
// Prints its figures; docs/performance.md records them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "ofa/common/files.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/search/predictor_loader.hpp"
#include "ofa/search/sampling.hpp"

#include "ofa/cli/tool_main.hpp"
#include "ofa/common/build_description.hpp"

using namespace ofa;

namespace {

struct Options {
  std::string data_dir;
};

std::string bench(const Options& o) {
  std::printf("%s", common::benchmark_header("bench-predictor").c_str());
  const auto data = common::resolve_data_dir(o.data_dir);
  const auto predictor = search::load_predictor(data / "predictors/ofa_mbv3_w1.2_acc_predictor.pt");
  const auto space = common::search_space("ofa-mbv3-w1.2");
  constexpr int kBatch = 100;
  constexpr int kPool = 100 * 200;  // distinct random candidates, cycled in batches of 100
  search::Rng rng(7);
  std::vector<common::ArchConfig> archs;
  for (int i = 0; i < kPool; ++i) archs.push_back(search::random_arch(space, rng));
  std::vector<float> out(kBatch);
  std::printf("predictor: %s\n", predictor.source().c_str());
  // Reading the file (torch-free reader: zip, pickle, 8 tensors), median of 21 loads.
  for (const char* file : {"predictors/ofa_mbv3_w1.2_acc_predictor.pt", "golden/predictor_ofa_layout_legacy.pt"}) {
    std::vector<double> loads;
    for (int i = 0; i < 21; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      (void)search::load_predictor(data / file);
      loads.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(loads.begin(), loads.end());
    std::printf("load %s: median %.2f ms\n", file, loads[10]);
  }
  std::printf("%-8s %-7s %14s %12s %10s\n", "threads", "batch", "candidates/s", "us/cand", "GFLOP/s");
  for (int threads : {1, 2}) {
    // Warm up, then time repeated passes over the pool for at least ~1 s.
    for (int i = 0; i < 20; ++i) predictor.predict(std::span(archs).subspan(0, kBatch), out, threads);
    long evaluated = 0;
    const auto t0 = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (elapsed < 1.0) {
      for (int off = 0; off < kPool; off += kBatch) {
        predictor.predict(std::span(archs).subspan(off, kBatch), out, threads);
        evaluated += kBatch;
      }
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    const double rate = evaluated / elapsed;
    std::printf("%-8d %-7d %14.0f %12.3f %10.1f\n", threads, kBatch, rate, 1e6 / rate,
                rate * predictor.flops_per_candidate() / 1e9);
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  static const cli::Tool tool = cli::single_command_tool<Options>(
      "bench-predictor", "bench-predictor: the accuracy predictor's load time and throughput at batch 100, 1 and 2 threads\n  bench-predictor",
      {cli::bind(cli::CommandOption{"--data-dir"}, &Options::data_dir)}, [](Options& o, const common::Reporter&) { return bench(o); });
  return cli::tool_main(tool, argc, argv);
}
