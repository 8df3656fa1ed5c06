// bench-bundle: a bundle against the library it was exported from, side by side.
//   bench-bundle --library runs/local-cpu/library.yaml [--bundle runs/local-cpu/bundle] [--rounds 5]
// It prints the build and the machine first (common/build_description.hpp), then
// 1. size on disk: the bundle's files against the supernet + library + BN files it replaces;
// 2. process start to first frame, and resident memory (VmRSS, and the peak VmHWM) after every
//    level has served a frame: each in a fresh child process, library and bundle alternating;
// 3. per-level latency in this process, both networks built once, interleaved level by level
//    (the same engine: the ratio should be 1 within noise).
// Without --bundle the library is exported into a temporary folder first.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "ofa/cli/tool_main.hpp"
#include "ofa/common/build_description.hpp"
#include "ofa/common/library_inputs.hpp"
#include "ofa/common/child_process.hpp"
#include "ofa/common/timing_stats.hpp"
#include "ofa/runtime/adaptive/adaptive_network.hpp"
#include "ofa/runtime/adaptive/bundle.hpp"
#include "ofa/runtime/engine/machine_identity.hpp"
#include "runtime/commands/export_command.hpp"

using namespace ofa::runtime;
namespace fs = std::filesystem;

namespace {

struct Options {
  fs::path library;
  std::optional<fs::path> bundle;
  int rounds = 5;
  std::string memory_child;  // the child's mode: library or bundle
};

std::string& program_path() {
  static std::string path;  // argv[0], for the children
  return path;
}

long status_kib(const char* key) {
  std::ifstream f("/proc/self/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::char_traits<char>::length(key));
  return -1;
}

double wall_ns() { return static_cast<double>(std::chrono::system_clock::now().time_since_epoch() / std::chrono::nanoseconds(1)); }

AdaptiveNetwork load(const Options& o, const std::string& mode) {
  AdaptiveOptions ao;
  ao.policy.target_ms = 1e9;
  return mode == "bundle" ? AdaptiveNetwork::load_bundle(*o.bundle, ao) : AdaptiveNetwork::load(o.library, std::nullopt, ao);
}

// Child: load one way, serve a frame (the first), then a frame at every level; print
// "first_frame_s rss_kib hwm_kib". The parent passes its spawn time in OFA_BENCH_SPAWNED_NS.
int child(const Options& o) {
  torch::set_num_threads(1);
  const double spawned = std::atof(std::getenv("OFA_BENCH_SPAWNED_NS") ? std::getenv("OFA_BENCH_SPAWNED_NS") : "0");
  AdaptiveNetwork net = load(o, o.memory_child);
  net.infer(torch::zeros({1, 3, net.resolution(), net.resolution()}));
  const double first = (wall_ns() - spawned) / 1e9;
  for (int i = 0; i < static_cast<int>(net.levels()); ++i) {
    net.pin_level(i);
    net.infer(torch::zeros({1, 3, net.resolution(), net.resolution()}));
  }
  std::printf("%.4f %ld %ld\n", first, status_kib("VmRSS:"), status_kib("VmHWM:"));
  return 0;
}

std::vector<double> run_child(const Options& o, const std::string& mode) {
  std::vector<std::string> argv{program_path(), "--memory-child", mode, "--library", o.library.string(), "--bundle", o.bundle->string()};
  const ofa::common::ChildResult r = ofa::common::run_child(argv, 600, {"OFA_BENCH_SPAWNED_NS=" + std::to_string(wall_ns())});
  double first = -1, rss = -1, hwm = -1;
  if (!r.ok() || std::sscanf(r.out.c_str(), "%lf %lf %lf", &first, &rss, &hwm) != 3)
    throw ofa::common::Error("the " + mode + " child " + r.how_it_ended(600) + ": " + ofa::common::first_line(r.err));
  return {first, rss / 1024, hwm / 1024};
}

std::uintmax_t bytes_of(const std::vector<fs::path>& files) {
  std::uintmax_t n = 0;
  for (const fs::path& f : files) n += fs::file_size(f);
  return n;
}

void sizes(const Options& o, const Bundle& bundle) {
  const ofa::common::LibraryFile lib = ofa::common::read_library(o.library);
  std::vector<fs::path> library_files;
  for (const auto& input : ofa::common::library_inputs(lib, o.library, std::nullopt)) library_files.push_back(input.path);
  std::vector<fs::path> bundle_files{bundle.dir / "export.yaml"};
  for (const auto& l : bundle.manifest.levels) bundle_files.push_back(bundle.dir / l.file);
  const double b = static_cast<double>(bytes_of(bundle_files)) / 1048576, l = static_cast<double>(bytes_of(library_files)) / 1048576;
  std::printf("size on disk: bundle %.1f MiB (%zu files) against library + supernet + BN files %.1f MiB (%zu files): %.2fx%s\n", b,
              bundle_files.size(), l, library_files.size(), b / l, lib.weights == "random" ? " (random weights: no supernet file)" : "");
}

void start_and_memory(const Options& o) {
  std::vector<double> first[2], rss[2], hwm[2];
  for (int round = 0; round < o.rounds; ++round)
    for (int k = 0; k < 2; ++k) {
      const int m = (round + k) % 2;  // alternate which goes first
      const std::vector<double> r = run_child(o, m == 0 ? "library" : "bundle");
      first[m].push_back(r[0]), rss[m].push_back(r[1]), hwm[m].push_back(r[2]);
    }
  auto med = [](std::vector<double> v) { return std::sort(v.begin(), v.end()), ofa::common::percentile_sorted(v, 0.5); };
  std::printf("process start to first frame, %d fresh processes each, alternating (median; min-max):\n", o.rounds);
  for (int m = 0; m < 2; ++m)
    std::printf("  %-8s %7.3f s (%.3f-%.3f); VmRSS %.1f MiB, peak VmHWM %.1f MiB after every level served\n", m == 0 ? "library" : "bundle",
                med(first[m]), *std::min_element(first[m].begin(), first[m].end()), *std::max_element(first[m].begin(), first[m].end()),
                med(rss[m]), med(hwm[m]));
  std::printf("  bundle / library: first frame %.2fx, VmRSS %.2fx, VmHWM %.2fx\n", med(first[1]) / med(first[0]), med(rss[1]) / med(rss[0]),
              med(hwm[1]) / med(hwm[0]));
}

void latencies(const Options& o) {
  torch::set_num_threads(1);
  AdaptiveNetwork nets[2] = {load(o, "library"), load(o, "bundle")};
  std::printf("per-level latency, 1 thread, %d rounds of 20 frames per network, interleaved (median ms):\n", o.rounds);
  for (int level = 0; level < static_cast<int>(nets[0].levels()); ++level) {
    std::vector<double> ms[2];
    for (auto& n : nets) n.pin_level(level);
    const torch::Tensor x = torch::randn({1, 3, nets[0].resolution(), nets[0].resolution()});
    for (int round = 0; round < o.rounds; ++round)
      for (int k = 0; k < 2; ++k)
        for (int f = 0; f < 20; ++f) ms[k].push_back((nets[k].infer(x), nets[k].last_frame().latency_ms));
    for (auto& v : ms) std::sort(v.begin(), v.end());
    const double a = ofa::common::percentile_sorted(ms[0], 0.5), b = ofa::common::percentile_sorted(ms[1], 0.5);
    std::printf("  level %d (r %d, %s / %s): library %.3f, bundle %.3f, bundle / library %.3f\n", level, nets[0].resolution(),
                engine_name(nets[0].engine(static_cast<std::size_t>(level)).kind()), engine_name(nets[1].engine(static_cast<std::size_t>(level)).kind()),
                a, b, b / a);
  }
}

std::string bench(Options o) {
  if (!o.memory_child.empty()) return child(o), "";
  std::printf("%s", ofa::common::benchmark_header("bench-bundle", engine_stack(false)).c_str());
  const fs::path tmp = fs::temp_directory_path() / ("bench-bundle-" + std::to_string(::getpid()));
  if (!o.bundle) {
    ExportOptions e;
    e.library = o.library;
    e.out_dir = tmp;
    run_export(e);
    o.bundle = tmp;
  }
  sizes(o, read_bundle(*o.bundle));
  start_and_memory(o);
  latencies(o);
  fs::remove_all(tmp);
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using ofa::cli::bind;
  using O = ofa::cli::CommandOption;
  program_path() = argv[0];
  static const ofa::cli::Tool tool = ofa::cli::single_command_tool<Options>(
      "bench-bundle",
      "bench-bundle: a bundle against its library, side by side: size, start to first frame, memory, per-level latency\n"
      "  bench-bundle --library runs/local-cpu/library.yaml [--bundle runs/local-cpu/bundle] --rounds 5",
      {bind(O{"--library", ofa::cli::Need::Required}, &Options::library), bind(O{"--bundle", {}, "exported here"}, &Options::bundle),
       bind(O{"--rounds"}, &Options::rounds), bind(O{"--memory-child", {}, {}, {}, {"library", "bundle"}}, &Options::memory_child)},
      [](Options& o, const ofa::common::Reporter&) { return bench(o); });
  return ofa::cli::tool_main(tool, argc, argv);
}
