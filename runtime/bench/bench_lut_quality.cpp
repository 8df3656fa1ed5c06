// How well a latency table built here predicts end-to-end latency on this CPU.
//   bench-lut-quality [--lut DIR] [--threads T] [--archs N]
// Builds (or reuses, with resume) a table for OFA's five search resolutions, measures N random
// architectures end to end, and reports Spearman and MAPE of the table's sums, then of a
// linear calibration fitted on half the networks and checked on the other half.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "ofa/common/fit_statistics.hpp"
#include "runtime/commands/calibrate_command.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "runtime/commands/latency_command.hpp"
#include "runtime/commands/lut_command.hpp"
#include "ofa/runtime/measure/measurement.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/search/latency_table.hpp"
#include "ofa/search/sampling.hpp"

using namespace ofa;

int main(int argc, char** argv) {
  std::filesystem::path lut_dir = std::filesystem::path(OFA_SOURCE_DIR) / "runs/local-cpu/lut";
  int threads = 2, n = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--lut")) lut_dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--archs")) n = std::atoi(argv[i + 1]);
  }
  common::SearchSpace space = common::search_space("ofa-mbv3-w1.2");
  space.resolutions = {160, 176, 192, 208, 224};
  runtime::BuildLutOptions b;
  b.resolutions = space.resolutions;
  b.out_dir = lut_dir;
  b.resume = true;
  b.device.threads = threads;
  b.device.warmup = 5;
  b.device.repeats = 20;
  b.device.engine = "optimized";  // the table and the networks timed against it on one engine
  const auto t0 = std::chrono::steady_clock::now();
  runtime::run_build_lut(b);
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto table = search::LatencyTable::load(lut_dir, space, /*calibrated=*/false);

  runtime::apply_threads(threads);
  search::Rng rng(2024);
  std::vector<common::ArchConfig> archs;
  // Timed on the engine the table was built with (the default, optimized), as a runtime runs them.
  std::vector<runtime::Engine> nets;
  for (int i = 0; i < n; ++i) {
    archs.push_back(search::random_arch(space, rng));
    nets.emplace_back(runtime::Subnet::random(space, archs.back(), static_cast<std::uint64_t>(i)),
                      runtime::parse_engine(b.device.engine));
  }
  // Two passes over all networks: their agreement is the noise floor of this machine, which
  // no table can beat. "measured" is the mean of the two medians.
  std::vector<double> pass[2];
  torch::NoGradGuard no_grad;
  for (int p = 0; p < 2; ++p) {
    for (int i = 0; i < n; ++i) {
      const torch::Tensor x = torch::randn({1, 3, archs[i].r, archs[i].r});
      pass[p].push_back(runtime::time_calls([&] { nets[i].forward(x); }, {torch::kCPU, 5, 20}).median_ms);
    }
  }
  std::vector<double> sums, measured;
  std::printf("%3s %5s %10s %10s %10s\n", "#", "r", "table_ms", "pass1_ms", "pass2_ms");
  for (int i = 0; i < n; ++i) {
    sums.push_back(table(archs[i]));
    measured.push_back(0.5 * (pass[0][i] + pass[1][i]));
    std::printf("%3d %5d %10.3f %10.3f %10.3f\n", i, archs[i].r, sums.back(), pass[0][i], pass[1][i]);
  }
  const int half = n / 2;
  auto first = [&](const std::vector<double>& v) { return std::vector<double>(v.begin(), v.begin() + half); };
  auto second = [&](const std::vector<double>& v) { return std::vector<double>(v.begin() + half, v.end()); };
  const auto fit = common::fit_line(first(sums), first(measured));
  std::vector<double> held_sums = second(sums), held_meas = second(measured), corrected;
  for (double s : held_sums) corrected.push_back(fit.a * s + fit.b);
  std::printf("\ntable for r in {160,176,192,208,224}: %.1f s to build or reuse (threads %d, warmup 5, repeats 20)\n", build_s, threads);
  std::printf("test-retest (pass 2 against pass 1): Spearman %.4f, MAPE %.2f %%\n", common::spearman(pass[1], pass[0]),
              common::mape(pass[1], pass[0]));
  std::printf("all %d networks: Spearman %.4f, MAPE of the raw table sum %.2f %%\n", n, common::spearman(sums, measured),
              common::mape(sums, measured));
  std::printf("calibration fitted on the first %d: latency = %.4f * sum %+.3f ms\n", half, fit.a, fit.b);
  std::printf("held-out %d: Spearman %.4f, MAPE raw %.2f %% -> calibrated %.2f %%\n", n - half,
              common::spearman(held_sums, held_meas), common::mape(held_sums, held_meas), common::mape(corrected, held_meas));
  return 0;
}
