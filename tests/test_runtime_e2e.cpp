// `ofa-runtime run` end to end with contention: the trace, plot and summary whole and agreeing
// with each other. Nothing here depends on how fast this machine is (issue #28): the policy's
// switching is tested on a scripted clock (test_runtime_policy), and its behaviour under real
// contention is what `ofa-runtime run` reports (the quickstart's step 7, docs/runtime.md). Runs
// alone (RUN_SERIAL): it competes with its own busy threads.
#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "ofa/common/files.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/measure/call_timing.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/common/library_file.hpp"
#include "test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::runtime;
using ofa::test::shell;
using ofa::test::TempDir;
using ofa::test::tool;

namespace {

// Three levels at 160, 192 and 224 px, their latencies measured here on one thread.
ofa::common::LibraryFile measured_library() {
  const SearchSpace space = search_space("ofa-mbv3-w1.2");
  torch::set_num_threads(1);
  ofa::common::LibraryFile lib;
  lib.space = space.name;
  lib.device = "cpu";
  lib.engine = "optimized";  // measured on the engine `run` serves them with
  lib.threads = 1;
  lib.weights = "random";
  lib.accuracy_source = "predicted";
  const int rs[] = {160, 192, 224};
  std::vector<Engine> nets;
  std::vector<torch::Tensor> inputs;
  for (int i = 0; i < 3; ++i) {
    ofa::common::Level l;
    // Far apart (about 1x, 2.5x, 6x the MACs).
    l.arch.ks.fill(3);
    l.arch.e.fill(i == 0 ? 3 : i == 1 ? 4 : 6);
    l.arch.d.fill(2 + i);
    l.arch.r = rs[i];
    l.accuracy = 0.70 + 0.02 * i;
    nets.emplace_back(Subnet::random(space, l.arch, 1), EngineKind::Optimized);
    inputs.push_back(torch::randn({1, 3, l.arch.r, l.arch.r}));
    lib.levels.push_back(l);
  }
  // Rounds interleaved over the levels, so a slow spell of a loaded machine slows them alike:
  // timed one level after another, a loaded run once found level 1 faster than level 0.
  std::vector<std::vector<double>> samples(3);
  for (int round = 0; round < 6; ++round)
    for (int i = 0; i < 3; ++i) samples[i].push_back(time_calls([&] { nets[i].forward(inputs[i]); }, {torch::kCPU, round == 0 ? 5 : 1, 5}).median_ms);
  for (int i = 0; i < 3; ++i) {
    const TimingStats t = summarize(samples[i]);
    // A library's latencies rise with its accuracy; a noisy measurement that says otherwise is
    // lifted just above the level below (a fixture, not an assertion about this machine).
    const double floor = i == 0 ? 0.0 : lib.levels[i - 1].latency_median_ms * 1.01;
    lib.levels[i].latency_median_ms = std::max(t.median_ms, floor);
    lib.levels[i].latency_p90_ms = std::max(t.p90_ms, lib.levels[i].latency_median_ms);
  }
  return lib;
}

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace

TEST_CASE("ofa-runtime run under contention: trace, plot and summary are whole and agree", "[runtime][e2e][cli]") {
  TempDir dir("runtime-e2e");
  const ofa::common::LibraryFile lib = measured_library();
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(lib));
  // The target lets the top level run with 15 % to spare beyond the margin; four busy threads
  // on this machine's cores slow it well past that.
  const double target = lib.levels[2].latency_median_ms / 0.9 * 1.15;
  // The run's timeline is seconds (the policy's waits are), sized for frames of at most 175 ms:
  // where the top level is slower (the sanitizer build on a machine whose page faults are dear:
  // 520 ms on an AMD EPYC VM), every time stretches alike, so the run still sees 40 frames.
  const double k = std::max(1.0, lib.levels[2].latency_median_ms / 175.0);
  const auto secs = [k](double s) { return std::to_string(s * k); };
  const std::string cmd = tool("ofa-runtime") + " run --library " + (dir / "library.yaml").string() + " --latency-target " +
                          std::to_string(target) + " --duration " + secs(7) + " --contention at=" + secs(2) + "s,threads=4,for=" + secs(2.5) + "s" +
                          " --trace " + (dir / "trace.csv").string() + " --plot " + (dir / "trace.svg").string() +
                          " --summary-json " + (dir / "summary.json").string() + " --warmup 3";
  const auto r = shell(cmd);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("met:") != std::string::npos);

  const auto rows = read_csv(dir / "trace.csv");
  REQUIRE(rows.size() > 20);
  const std::vector<std::string> header = {"frame", "time_s", "level", "latency_ms", "slowdown", "switched",
                                           "next_level", "decision_us", "target_ms", "met", "breaking", "contention"};
  CHECK(rows[0] == header);
  double last_t = -1;
  int before = -1, switches = 0;
  double contention_end = 0;  // the last busy frame's time
  std::optional<double> returned_at;  // after it, when the level before onset came back
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == header.size());
    const double t = std::stod(rows[i][1]);
    const int level = std::stoi(rows[i][2]);
    CHECK(std::stoll(rows[i][0]) == static_cast<long long>(i - 1));
    CHECK(t > last_t);
    CHECK(std::stod(rows[i][3]) > 0);
    CHECK((level >= 0 && level < 3));
    CHECK(rows[i][9] == (std::stod(rows[i][3]) <= target + 1e-3 ? "1" : "0"));
    switches += rows[i][5] == "1";
    const bool busy = rows[i][11] == "1";
    if (busy) {
      contention_end = t;
    } else if (contention_end == 0) {
      before = level;
    } else {
      if (level >= before && !returned_at) returned_at = t - contention_end;
    }
    last_t = t;
  }
  REQUIRE(before >= 0);
  REQUIRE(contention_end > 0);  // the trace flags the frames that saw the competing work
  const YAML::Node s = YAML::LoadFile((dir / "summary.json").string());
  CHECK(s["frames"].as<int>() == static_cast<int>(rows.size()) - 1);
  CHECK(s["switches"].as<int>() == switches);
  CHECK(s["levels"].as<int>() == 3);
  // Each figure present as a number (a null, which `CHECK(s[key])` let through, is not one), in range.
  for (const char* key : {"met_fraction", "met_fraction_after_settle", "mean_accuracy"}) {
    INFO(key);
    REQUIRE(s[key].IsScalar());
    CHECK(s[key].as<double>() >= 0.0);
    CHECK(s[key].as<double>() <= 1.0);
  }
  // The summary's window is when the competing work ran, the trace's flag frames that saw it:
  // a return is one frame apart at most, so compare presence, not value.
  INFO("return_s " << (s["return_s"].IsScalar() ? s["return_s"].Scalar() : "absent"));
  CHECK((s["return_s"].IsScalar() && s["return_s"].Scalar() != "null") == returned_at.has_value());
  for (const char* key : {"recovery_s", "switch_p50_ms", "switch_p99_ms"}) {
    INFO(key);
    REQUIRE(s[key].IsScalar());
    CHECK(s[key].Scalar() != "null");
    CHECK(s[key].as<double>() >= 0.0);
  }
  CHECK(s["switch_p99_ms"].as<double>() >= s["switch_p50_ms"].as<double>());
  const std::string svg = read_file(dir / "trace.svg");
  CHECK(svg.find("<svg") == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
}

TEST_CASE("ofa-runtime run: bad input is one line and exit 2, and leaves no file", "[runtime][errors][cli]") {
  TempDir dir("runtime-errors");
  write_file_atomic(dir / "bad.yaml", "format: ofa-library/1\nspace: ofa-mbv3-w1.2\n");
  const std::string run = tool("ofa-runtime") + " run --duration 1 --trace " + (dir / "t.csv").string();
  auto fails = [&](const std::string& args, const std::string& what) {
    const auto r = shell(run + " " + args);
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find(what) != std::string::npos);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') <= 2);
  };
  fails("--library " + (dir / "none.yaml").string() + " --latency-target 10", "none.yaml");
  fails("--library " + (dir / "bad.yaml").string() + " --latency-target 10", "missing key");
  fails("--library " + (dir / "bad.yaml").string() + " --latency-target 10 --contention at=1s,for=x", "for=x");
  fails("--library " + (dir / "bad.yaml").string() + " --latency-target 10 --device tpu", "tpu");
  fails("--library " + (dir / "bad.yaml").string() + " --latency-target 10 --policy fast",
        "--policy: 'fast' is not one of ofa-toolchain, dynamic-ofa");
  CHECK_FALSE(std::filesystem::exists(dir / "t.csv"));
  // Durations that are not a finite number of seconds (inf would be cast to an integer).
  for (const char* d : {"inf", "nan", "1e300", "-1", "1e-300", "0"}) {
    INFO(d);
    const auto r = shell(tool("ofa-runtime") + " run --library " + (dir / "bad.yaml").string() + " --latency-target 10 --duration " + d);
    CHECK(r.status == 2);
    CHECK(r.output == "ofa-runtime: error: --duration: '" + std::string(d) + "' is not a finite number in [0.001, 31536000]\n");
  }
}

TEST_CASE("ofa-runtime run --policy dynamic-ofa serves the library and says which policy ran", "[runtime][e2e][cli][dynamic-ofa]") {
  TempDir dir("runtime-dynofa");
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(measured_library()));
  const auto r = shell(tool("ofa-runtime") + " run --library " + (dir / "library.yaml").string() +
                       " --latency-target 1000 --duration 1 --policy dynamic-ofa --warmup 1 --summary-json " +
                       (dir / "summary.json").string());
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("policy dynamic-ofa") != std::string::npos);
  CHECK(read_file(dir / "summary.json").find("\"policy\": \"dynamic-ofa\"") != std::string::npos);
}

TEST_CASE("ofa-runtime run stopped with Ctrl-C writes what it served and exits 130", "[runtime][e2e][cli]") {
  TempDir dir("runtime-sigint");
  ofa::common::LibraryFile lib = measured_library();
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(lib));
  const std::string library = (dir / "library.yaml").string(), trace = (dir / "trace.csv").string(), summary = (dir / "summary.json").string();
  const std::string target = std::to_string(lib.levels[2].latency_median_ms * 2);
  // Interrupted once it has served for a second (its first progress line).
  const auto r = ofa::test::interrupt_when({tool("ofa-runtime"), "run", "--library", library, "--latency-target", target, "--duration", "60",
                                            "--warmup", "1", "--trace", trace, "--summary-json", summary},
                                           " s  level");
  REQUIRE(r.said_marker);
  CHECK(r.status == 130);
  const std::string said = r.stderr_text;
  CHECK_THAT(said, ofa::test::contains("ofa-runtime: interrupted; "));
  // The trace holds the frames served before the interrupt, and the summary counts them.
  const auto rows = read_csv(trace);
  REQUIRE(rows.size() > 2);
  CHECK(rows[0][0] == "frame");
  const std::string json = read_file(summary);
  CHECK_THAT(json, ofa::test::contains("\"frames\": " + std::to_string(rows.size() - 1)));
}
