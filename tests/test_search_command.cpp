#include <chrono>
#include <csignal>
#include <sstream>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "ofa/common/error.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/search/pareto.hpp"
#include "search/commands/predict_command.hpp"
#include "search/commands/search_command.hpp"
#include "measured_fixtures.hpp"
#include "test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::search;
using ofa::test::TempDir;

namespace {

std::filesystem::path gpu_profile() { return ofa::test::source_dir() / "configs/jetson-xavier-nx-gpu.yaml"; }

SearchOptions small(const std::filesystem::path& out, int threads) {
  SearchOptions o;
  o.profile = gpu_profile();
  o.out_dir = out;
  o.constraints = std::vector<double>{19, 25};
  o.population = 16;
  o.generations = 25;
  o.threads = threads;
  return o;
}

}  // namespace

TEST_CASE("the same seed gives a byte-identical candidates.yaml on 1 and 2 threads", "[search][determinism]") {
  TempDir dir("search");
  const SearchReport r1 = run_search(small(dir / "t1", 1));
  const SearchReport r2 = run_search(small(dir / "t2", 2));
  CHECK(read_file(dir / "t1/candidates.yaml") == read_file(dir / "t2/candidates.yaml"));
  CHECK(read_file(dir / "t1/candidates.csv") == read_file(dir / "t2/candidates.csv"));
  CHECK(format_front_table(r1.file) == format_front_table(r2.file));
  auto other = small(dir / "t3", 2);
  other.seed = 99;
  run_search(other);
  CHECK(read_file(dir / "t1/candidates.yaml") != read_file(dir / "t3/candidates.yaml"));
}

TEST_CASE("candidates files: constraints hold, fronts are non-dominated, values match predict", "[search]") {
  TempDir dir("search");
  const SearchReport report = run_search(small(dir.path(), 2));
  const CandidatesFile f = read_candidates(dir / "candidates.yaml");
  REQUIRE(f.candidates.size() == report.file.candidates.size());
  CHECK(f.candidates.size() == 10);  // 2 constraints x keep 5
  CHECK(f.algorithm == "evolution");
  CHECK(f.space == "ofa-mbv3-w1.2");
  CHECK(f.population == 16);
  CHECK(f.constraints == std::vector<double>{19, 25});
  CHECK(f.resolutions == std::vector<int>{160, 176, 192, 208, 224});  // the profile's search.resolutions
  std::vector<ParetoPoint> points;
  for (const auto& c : f.candidates) {
    REQUIRE(c.constraint);
    REQUIRE(c.latency_ms);
    CHECK(*c.latency_ms <= *c.constraint);
    CHECK(std::find(f.resolutions.begin(), f.resolutions.end(), c.arch.r) != f.resolutions.end());
    points.push_back({*c.latency_ms, c.predicted_accuracy});
  }
  const auto mask = pareto_mask(points);
  for (std::size_t i = 0; i < mask.size(); ++i) CHECK(mask[i] == f.candidates[i].on_front);
  // The reported numbers are what `predict` gives for the same architectures.
  const DeviceProfile profile = load_profile(gpu_profile());
  const Evaluator ev = make_evaluator(profile);
  for (const auto& c : f.candidates) {
    const auto e = ev.evaluate(std::vector<ArchConfig>{c.arch}).front();
    CHECK(c.predicted_accuracy == Approx(e.predicted_accuracy).epsilon(1e-8));
    CHECK(*c.latency_ms == Approx(e.latency_ms).epsilon(1e-9));
    CHECK(c.macs_m == Approx(e.macs_m).epsilon(1e-9));
  }
  // The CSV has the contracted columns and one row per candidate.
  const std::string csv = read_file(dir / "candidates.csv");
  CHECK_THAT(csv, ofa::test::starts_with("id,constraint,predicted_accuracy,latency_ms,macs_m,params_m,on_front,ks,e,d,r\n"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == static_cast<long>(f.candidates.size()) + 1);
  CHECK_THAT(format_front_table(report.file), ofa::test::starts_with("Predicted Pareto front: jetson-xavier-nx-gpu, evolution"));
}

TEST_CASE("nsga2 and exhaustive through the command", "[search]") {
  TempDir dir("search");
  auto o = small(dir / "n", 2);
  o.algorithm = Algorithm::Nsga2;
  run_search(o);
  const CandidatesFile n = read_candidates(dir / "n/candidates.yaml");
  CHECK(n.algorithm == "nsga2");
  for (const auto& c : n.candidates) {
    CHECK_FALSE(c.constraint);
    CHECK(c.on_front);
    CHECK(*c.latency_ms <= 25);
  }
  SearchOptions x;
  x.profile = ofa::test::source_dir() / "configs/compofa-xavier-nx-gpu.yaml";
  x.out_dir = dir / "x";
  run_search(x);
  const CandidatesFile e = read_candidates(dir / "x/candidates.yaml");
  CHECK(e.candidates.size() == 1215);
  CHECK(e.space == "compofa-mbv3-w1.2");
}

TEST_CASE("bad search input: one line, exit 2, nothing written", "[search][cli][errors]") {
  TempDir dir("cli");
  const std::string base = ofa::test::tool("ofa-search") + " --profile " + gpu_profile().string() + " --quiet --out " + (dir / "o").string();
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases{
      {" --population 3", "ofa-search: error: --population: '3' is not a whole number in [4, 1000000]"},
      {" --constraints 10", "constraint 10 ms cannot be met"},
      {" --constraints 18:x:2", "'x' is not a number"},
      {" --algorithm exhaustive", "use evolution or nsga2"},
      {" --algorithm random", "ofa-search: error: --algorithm: 'random' is not one of evolution, nsga2, exhaustive"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = ofa::test::shell(base + c.args);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, ofa::test::contains(c.expect));
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') <= 2);  // the error, after the line saying the search started
    CHECK_FALSE(std::filesystem::exists(dir / "o/candidates.yaml"));
  }
  // Exhaustive search scores the whole (CompOFA) space: constraints given to it are an error, not ignored.
  {
    const auto r = ofa::test::shell(ofa::test::tool("ofa-search") + " --profile " +
                                    (ofa::test::source_dir() / "configs/compofa-xavier-nx-gpu.yaml").string() +
                                    " --quiet --algorithm exhaustive --constraints 20 --out " + (dir / "o").string());
    CHECK(r.status == 2);
    CHECK_THAT(r.output, ofa::test::contains("--constraints: the exhaustive search scores the whole space and takes no constraints"));
    CHECK_FALSE(std::filesystem::exists(dir / "o/candidates.yaml"));
  }
  // Profiles: an empty resolution list, a ratio out of range, a LUT without a needed key.
  const std::string data = ofa::test::data_dir().string();
  ofa::test::write_text(dir / "empty.yaml", "space: ofa-mbv3-w1.2\nmetric: flops\nresolutions: []\n");
  ofa::test::write_text(dir / "ratio.yaml", "space: ofa-mbv3-w1.2\nmetric: flops\nsearch: {parent_ratio: 1.5}\n");
  LutFile t = read_lut_file(ofa::test::data_dir() / "luts/jetson_xavier_nx_gpu/160_lookup_table.json");
  t.erase("Logits-input:1x1x1536-output:1000");
  write_lut_file(dir / "lut/160_lookup_table.json", t);
  ofa::test::write_text(dir / "lut.yaml", "space: ofa-mbv3-w1.2\nresolutions: [160]\nlut: lut\npredictor: " + data +
                                              "/predictors/ofa_mbv3_w1.2_acc_predictor.pt\nsearch: {constraints: [25]}\n");
  for (const auto& [file, expect] : std::vector<std::pair<std::string, std::string>>{
           {"empty.yaml", "'resolutions' must be a non-empty list"},
           {"ratio.yaml", "parent_ratio = 1.5 must be in (0, 1]"},
           {"lut.yaml", "missing key 'Logits-input:1x1x1536-output:1000'"}}) {
    INFO(file);
    const auto r = ofa::test::shell(ofa::test::tool("ofa-search") + " --profile " + (dir / file).string() + " --quiet --out " + (dir / "o").string());
    CHECK(r.status == 2);
    CHECK_THAT(r.output, ofa::test::starts_with("ofa-search: error: ") && ofa::test::contains(expect));
  }
  const auto help = ofa::test::shell(ofa::test::tool("ofa-search") + " --help");
  CHECK(help.status == 0);
  for (const char* flag : {"--algorithm", "--constraints", "--population", "--generations", "--seed", "--workers",
                           "--data-dir", "--quiet", "--profile", "--out", "predict"})
    CHECK_THAT(help.output, ofa::test::contains(flag));
}

TEST_CASE("Ctrl-C leaves no output file and exits 130", "[search][cli]") {
  TempDir dir("sigint");
  const auto r = ofa::test::interrupt_when({ofa::test::tool("ofa-search"), "--profile", gpu_profile().string(), "--out", (dir / "o").string(),
                                            "--generations", "1000000", "--constraints", "20"},
                                           "started");
  REQUIRE(r.said_marker);
  CHECK_THAT(r.stderr_text, ofa::test::contains("search: evolution started"));
  CHECK_THAT(r.stderr_text, ofa::test::contains("ofa-search: interrupted; no output written"));
  CHECK(r.status == 130);
  CHECK_FALSE(std::filesystem::exists(dir / "o/candidates.yaml"));
  CHECK_FALSE(std::filesystem::exists(dir / "o/candidates.csv"));
}

TEST_CASE("ofa-search pareto: a measured file in, a library out, and bad input is one line and exit 2", "[pareto][cli]") {
  TempDir dir("pareto-cli");
  // A measured file over a search's candidates, with latencies rising with MACs.
  run_search(small(dir / "s", 2));
  const CandidatesFile cands = read_candidates(dir / "s/candidates.yaml");
  MeasuredFile m = ofa::test::measured_header(cands.space);
  m.profile_name = cands.profile_name;
  for (const auto& c : cands.candidates) {
    MeasuredRow r;
    r.candidate = c;
    r.measured.count = 10;
    r.measured.median_ms = c.macs_m / 10;
    r.measured.p90_ms = r.measured.median_ms * 1.1;
    m.rows.push_back(r);
  }
  write_file_atomic(dir / "measured.yaml", format_measured_yaml(m));
  const std::string base = ofa::test::tool("ofa-search") + " pareto --measured " + (dir / "measured.yaml").string();
  const auto ok = ofa::test::shell(base + " --levels 3 --out " + (dir / "library.yaml").string());
  INFO(ok.output);
  REQUIRE(ok.status == 0);
  CHECK_THAT(ok.output, ofa::test::contains("levels from " + std::to_string(m.rows.size()) + " measured rows"));
  const LibraryFile lib = read_library(dir / "library.yaml");
  CHECK(lib.levels.size() <= 3);
  CHECK(lib.levels.size() >= 2);
  CHECK(lib.measured == (dir / "measured.yaml").string());

  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases{
      {" --accuracy measured", "measured_accuracy"},
      {" --accuracy guessed", "ofa-search: error: --accuracy: 'guessed' is not one of predicted, measured"},
      {" --levels -2", "ofa-search: error: --levels: '-2' is not a whole number in [0, 100000]"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = ofa::test::shell(base + c.args + " --out " + (dir / "bad.yaml").string());
    CHECK(r.status == 2);
    CHECK_THAT(r.output, ofa::test::contains(c.expect));
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "bad.yaml"));
  }
  const auto missing = ofa::test::shell(ofa::test::tool("ofa-search") + " pareto --measured " + (dir / "none.yaml").string() +
                                        " --out " + (dir / "bad.yaml").string());
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, ofa::test::contains("none.yaml"));
}
