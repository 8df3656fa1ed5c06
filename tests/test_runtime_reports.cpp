// Run summaries, traces, plots and the contention option, from scripted frame records.
#include "catch.hpp"

#include <fstream>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/runtime/adaptive/contention.hpp"
#include "ofa/runtime/adaptive/run_summary.hpp"
#include "ofa/runtime/adaptive/trace_plot.hpp"
#include "test_support.hpp"

using namespace ofa::runtime;
using ofa::test::TempDir;

namespace {

// Frames of `ms` at `level` from time t, back to back; contention flag as given.
void append(std::vector<FrameRecord>& f, int level, double ms, int count, double target, bool contention = false) {
  for (int i = 0; i < count; ++i) {
    FrameRecord r;
    r.frame = static_cast<std::int64_t>(f.size());
    r.time_s = f.empty() ? 0 : f.back().time_s + f.back().latency_ms / 1000;
    r.level = level;
    r.latency_ms = ms;
    r.target_ms = target;
    r.met = ms <= target;
    r.switched = !f.empty() && f.back().level != level;
    r.contention = contention;
    f.push_back(r);
  }
}

}  // namespace

TEST_CASE("the run summary: recovery, return, settling and switch cost from a scripted trace", "[runtime][summary]") {
  const std::vector<LevelSpec> levels = {{10, 0.70}, {20, 0.75}};
  std::vector<FrameRecord> f;
  append(f, 1, 20, 100, 25);              // 0 - 2 s at level 1
  append(f, 1, 40, 5, 25, true);          // contention from 2 s: 5 misses (0.2 s)
  append(f, 0, 21, 1, 25, true);          // switch: first frame 21 ms, the level's median under contention is 20
  append(f, 0, 20, 140, 25, true);        // meets the target
  const double end = f.back().time_s + f.back().latency_ms / 1000;
  append(f, 0, 10, 50, 25);               // contention over: 0.5 s at level 0
  append(f, 1, 20, 50, 25);               // back up
  const RunSummary s = summarize_run(f, levels, ContentionWindow{2.0, end});
  CHECK(s.frames == 346);
  CHECK(s.switches == 2);
  CHECK(s.levels == 2);
  REQUIRE(s.recovery_s);
  CHECK(*s.recovery_s == Approx(0.2));
  REQUIRE(s.return_s);
  CHECK(*s.return_s == Approx(0.5));
  CHECK(s.met_fraction == Approx(341.0 / 346));
  CHECK(s.met_fraction_after_settle == Approx(1.0));
  REQUIRE(s.contention_met_fraction);
  CHECK(*s.contention_met_fraction == Approx(1.0));
  // Costs: 21 - 20 = 1 ms for the switch down; 20 - 20 = 0 for the switch up.
  CHECK(s.switch_max_ms == Approx(1.0));
  CHECK(s.switch_p50_ms == Approx(0.5));
  CHECK(s.frames_per_level == std::vector<std::int64_t>{191, 155});
  CHECK(s.mean_accuracy == Approx((191 * 0.70 + 155 * 0.75) / 346));
  const std::string json = ofa::common::format_run_summary_json(s);
  for (const char* key : {"\"frames\"", "\"switches\"", "\"met_fraction\"", "\"met_fraction_after_settle\"", "\"recovery_s\"",
                          "\"return_s\"", "\"mean_accuracy\"", "\"switch_p50_ms\"", "\"switch_p99_ms\"", "\"levels\""})
    CHECK(json.find(key) != std::string::npos);
  CHECK(YAML::Load(json)["frames"].as<int>() == 346);  // JSON is YAML: it parses
}

TEST_CASE("a run that never recovers or never returns says so", "[runtime][summary]") {
  const std::vector<LevelSpec> levels = {{10, 0.70}, {20, 0.75}};
  std::vector<FrameRecord> f;
  append(f, 1, 20, 50, 25);
  append(f, 1, 40, 50, 25, true);
  append(f, 0, 30, 50, 25);
  const RunSummary s = summarize_run(f, levels, ContentionWindow{1.0, 3.0});
  CHECK_FALSE(s.recovery_s);
  CHECK_FALSE(s.return_s);
  CHECK(ofa::common::format_run_summary_json(s).find("\"recovery_s\": null") != std::string::npos);
  const RunSummary quiet = summarize_run(f, levels, std::nullopt);
  CHECK(quiet.met_fraction_after_settle == quiet.met_fraction);
}

TEST_CASE("traces are written whole or not at all, as CSV or JSON lines", "[runtime][trace]") {
  TempDir dir("trace");
  std::vector<FrameRecord> f;
  append(f, 0, 12.5, 3, 20);
  {
    TraceWriter w(dir / "t.csv");
    for (const auto& r : f) w.write(r);
    CHECK_FALSE(std::filesystem::exists(dir / "t.csv"));  // not before commit
    w.commit();
  }
  const std::string csv = ofa::common::read_file(dir / "t.csv");
  CHECK(csv.rfind(TraceWriter::csv_header(), 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
  CHECK(csv.find("\n2,0.025000,0,12.5000,") != std::string::npos);
  {
    TraceWriter w(dir / "t.jsonl");
    for (const auto& r : f) w.write(r);
    w.commit();
  }
  std::ifstream in(dir / "t.jsonl");
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    const YAML::Node n = YAML::Load(line);
    CHECK(n["latency_ms"].as<double>() == 12.5);
    CHECK(n["met"].as<bool>());
  }
  CHECK(lines == 3);
  {
    TraceWriter abandoned(dir / "gone.csv");
    abandoned.write(f[0]);
  }
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) CHECK(e.path().filename().string().find("gone") == std::string::npos);
}

TEST_CASE("the SVG shows every frame coloured by level, the target and the contention", "[runtime][plot]") {
  const std::vector<LevelSpec> levels = {{10, 0.70}, {20, 0.75}};
  std::vector<FrameRecord> f;
  append(f, 1, 20, 30, 25);
  append(f, 0, 10, 20, 25, true);
  const std::string svg = plot_trace_svg(f, levels, ContentionWindow{0.6, 0.8}, "a <test>");
  CHECK(svg.rfind("<svg", 0) == 0);
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = svg.find(what); p != std::string::npos; p = svg.find(what, p + 1)) ++n;
    return n;
  };
  CHECK(count("<circle") == 50 + 2);  // frames + legend
  CHECK(count("fill=\"#1f77b4\"") == 20 + 1);
  CHECK(count("fill=\"#ff7f0e\"") == 30 + 1);
  CHECK(svg.find("target 25.00 ms") != std::string::npos);
  CHECK(svg.find("<title>contention</title>") != std::string::npos);
  CHECK(svg.find("a &lt;test&gt;") != std::string::npos);
}

TEST_CASE("the contention option: parsed strictly, errors name the key", "[runtime][contention][errors]") {
  const ContentionSpec s = parse_contention("at=2s,threads=2,for=500ms");
  CHECK(s.at_s == 2);
  CHECK(s.threads == 2);
  CHECK(s.for_s == Approx(0.5));
  CHECK(parse_contention("for=3,at=0").threads == 1);
  CHECK_THROWS_WITH(parse_contention("at=2s,for=5s,cores=2"), ofa::test::contains("unknown key 'cores'"));
  CHECK_THROWS_WITH(parse_contention("at=soon,for=5s"), ofa::test::contains("at=soon"));
  CHECK_THROWS_WITH(parse_contention("at=1s,threads=0,for=5s"), ofa::test::contains("threads=0"));
  CHECK_THROWS_WITH(parse_contention("at=1s"), ofa::test::contains("needs at= and for="));
  CHECK_THROWS_WITH(parse_contention("at=1s,for=0s"), ofa::test::contains("longer than 0"));
  CHECK_THROWS_WITH(parse_contention("at=-1s,for=2s"), ofa::test::contains("at=-1s"));
}

TEST_CASE("contention is capped at four threads per core", "[runtime][contention][errors]") {
  // Issue #29: threads=1024 on 2 cores ran a 0.5 s run for minutes and outlived a Ctrl-C.
  CHECK(contention_thread_cap(2) == 8);
  CHECK(contention_thread_cap(16) == 64);
  CHECK(contention_thread_cap(0) == 4);  // hardware_concurrency() may not know
}

TEST_CASE("contention threads run in their window and stop, on a scripted clock", "[runtime][contention]") {
  // The run's clock is the test's: the window is exactly where the clock said it began and
  // ended, whatever the machine's speed (issue #28: no test asserts a wall-clock time).
  std::atomic<int> running{0}, started{0};
  std::atomic<double> clock{0.0};
  Contention c({0.05, 2, 0.1}, [&](const std::atomic<bool>& stop) {
    ++started;
    ++running;
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    --running;
  });
  c.start([&clock] { return clock.load(); });
  auto wait_for = [](const auto& done) {  // a bound on a hang, never a measured time
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return done();
  };
  clock = 0.049;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(started.load() == 0);  // not before at=
  CHECK_FALSE(c.window());
  clock = 0.05;
  REQUIRE(wait_for([&] { return started.load() == 2 && c.active(); }));
  clock = 0.12;  // inside the window: still running
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(running.load() == 2);
  clock = 0.25;  // past at + for (0.05 + 0.1 is 0.15000000000000002 in binary, not 0.15)
  REQUIRE(wait_for([&] { return !c.active(); }));
  c.stop();  // joins the controller, which recorded the end
  CHECK(running.load() == 0);
  const auto w = c.window();
  REQUIRE(w);
  CHECK(w->start_s == 0.05);
  CHECK(w->end_s == 0.25);
}
