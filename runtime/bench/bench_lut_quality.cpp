// How well a latency table built here predicts end-to-end latency on this CPU.
//   bench-lut-quality [--lut DIR] [--threads T] [--networks N]
// Builds (or reuses, with resume) a table for OFA's five search resolutions, measures N random
// architectures end to end, and reports Spearman and MAPE of the table's sums, then of a
// linear calibration fitted on half the networks and checked on the other half.
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "ofa/cli/tool_main.hpp"
#include "ofa/common/build_description.hpp"
#include "ofa/common/fit_statistics.hpp"
#include "ofa/runtime/engine/machine_identity.hpp"
#include "runtime/commands/calibrate_command.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "runtime/commands/latency_command.hpp"
#include "runtime/commands/lut_command.hpp"
#include "ofa/runtime/measure/call_timing.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/search/latency_table.hpp"
#include "ofa/search/sampling.hpp"

using namespace ofa;

namespace {

struct Options {
  std::filesystem::path lut = std::filesystem::path(OFA_SOURCE_DIR) / "runs/local-cpu/lut";
  int threads = 2;
  int networks = 30;
};

// The table for OFA's five search resolutions, built or reused (resume) on the optimized
// engine; returns the seconds it took.
double build_table(const Options& o, const common::SearchSpace& space) {
  runtime::BuildLutOptions b;
  b.resolutions = space.resolutions;
  b.out_dir = o.lut;
  b.resume = true;
  b.device.threads = o.threads;
  b.device.warmup = 5;
  b.device.repeats = 20;
  b.device.engine = "optimized";  // the table and the networks timed against it on one engine
  const auto t0 = std::chrono::steady_clock::now();
  runtime::run_build_lut(b);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Two passes over the networks, on the table's engine: their agreement is the noise floor of
// this machine, which no table can beat.
std::array<std::vector<double>, 2> time_twice(const common::SearchSpace& space, const std::vector<common::ArchConfig>& archs) {
  std::vector<runtime::Engine> nets;
  for (std::size_t i = 0; i < archs.size(); ++i)
    nets.emplace_back(runtime::Subnet::random(space, archs[i], static_cast<std::uint64_t>(i)), runtime::EngineKind::Optimized);
  std::array<std::vector<double>, 2> pass;
  torch::NoGradGuard no_grad;
  for (auto& p : pass)
    for (std::size_t i = 0; i < archs.size(); ++i) {
      const torch::Tensor x = torch::randn({1, 3, archs[i].r, archs[i].r});
      p.push_back(runtime::time_calls([&] { nets[i].forward(x); }, {torch::kCPU, 5, 20}).median_ms);
    }
  return pass;
}

std::string bench(const Options& o) {
  std::printf("%s", common::benchmark_header("bench-lut-quality", runtime::engine_stack(false)).c_str());
  common::SearchSpace space = common::search_space("ofa-mbv3-w1.2");
  space.resolutions = {160, 176, 192, 208, 224};
  const double build_s = build_table(o, space);
  const auto table = search::LatencyTable::load(o.lut, space, /*calibrated=*/false);
  runtime::apply_threads(o.threads);
  search::Rng rng(2024);
  std::vector<common::ArchConfig> archs;
  for (int i = 0; i < o.networks; ++i) archs.push_back(search::random_arch(space, rng));
  const auto pass = time_twice(space, archs);
  std::vector<double> sums, measured;  // measured: the mean of the two medians
  std::printf("%3s %5s %10s %10s %10s\n", "#", "r", "table_ms", "pass1_ms", "pass2_ms");
  for (std::size_t i = 0; i < archs.size(); ++i) {
    sums.push_back(table(archs[i]));
    measured.push_back(0.5 * (pass[0][i] + pass[1][i]));
    std::printf("%3zu %5d %10.3f %10.3f %10.3f\n", i, archs[i].r, sums.back(), pass[0][i], pass[1][i]);
  }
  const auto half = static_cast<std::ptrdiff_t>(archs.size() / 2);
  const auto fit = common::fit_line(std::vector<double>(sums.begin(), sums.begin() + half), std::vector<double>(measured.begin(), measured.begin() + half));
  const std::vector<double> held_sums(sums.begin() + half, sums.end()), held_meas(measured.begin() + half, measured.end());
  std::vector<double> corrected;
  for (double s : held_sums) corrected.push_back(fit.a * s + fit.b);
  std::printf("\ntable for r in {160,176,192,208,224}: %.1f s to build or reuse (threads %d, warmup 5, repeats 20)\n", build_s, o.threads);
  std::printf("test-retest (pass 2 against pass 1): Spearman %.4f, MAPE %.2f %%\n", common::spearman(pass[1], pass[0]), common::mape(pass[1], pass[0]));
  std::printf("all %zu networks: Spearman %.4f, MAPE of the raw table sum %.2f %%\n", archs.size(), common::spearman(sums, measured),
              common::mape(sums, measured));
  std::printf("calibration fitted on the first %td: latency = %.4f * sum %+.3f ms\n", half, fit.a, fit.b);
  std::printf("held-out %zu: Spearman %.4f, MAPE raw %.2f %% -> calibrated %.2f %%\n", held_sums.size(), common::spearman(held_sums, held_meas),
              common::mape(held_sums, held_meas), common::mape(corrected, held_meas));
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using cli::bind;
  using O = cli::CommandOption;
  static const cli::Tool tool = cli::single_command_tool<Options>(
      "bench-lut-quality",
      "bench-lut-quality: how well a latency table built here predicts end-to-end latency on this CPU\n"
      "  bench-lut-quality --lut runs/local-cpu/lut --threads 1 --networks 30",
      {bind(O{"--lut", {}, {}, "built there, or reused"}, &Options::lut), bind(O{"--threads"}, &Options::threads),
       bind(O{"--networks", {}, {}, "random architectures; the calibration is fitted on the first half"}, &Options::networks)},
      [](Options& o, const common::Reporter&) { return bench(o); });
  return cli::tool_main(tool, argc, argv);
}
