// The library table: the measured Pareto front, thinning, the file format and its checks.
#include "catch.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/search/library_builder.hpp"
#include "search/commands/pareto_command.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/search/random.hpp"
#include "ofa/search/sampling.hpp"
#include "measured_fixtures.hpp"
#include "test_support.hpp"

#include <set>

using namespace ofa::search;
using namespace ofa::common;
using ofa::test::TempDir;

namespace {

MeasuredFile random_measured(std::uint64_t seed, int n) {
  const SearchSpace space = search_space("ofa-mbv3-w1.2");
  Rng rng(seed);
  MeasuredFile m = ofa::test::measured_header();
  for (int i = 0; i < n; ++i) {
    MeasuredRow r;
    r.candidate.id = i;
    r.candidate.arch = random_arch(space, rng);
    // Accuracy rising with latency plus noise, on coarse grids so that ties occur.
    const int ms = rng.uniform_int(61);
    r.candidate.predicted_accuracy = 0.70 + 0.002 * static_cast<double>(ms + rng.uniform_int(21));
    r.measured.median_ms = 10 + static_cast<double>(ms);
    r.measured.p90_ms = r.measured.median_ms + 1;
    r.measured.count = 10;
    r.measured_accuracy = r.candidate.predicted_accuracy - 0.04 + 0.001 * static_cast<double>(rng.uniform_int(20 + 1));
    m.rows.push_back(r);
  }
  return m;
}

bool dominated(const MeasuredRow& a, const std::vector<MeasuredRow>& all, bool measured) {
  auto acc = [&](const MeasuredRow& r) { return measured ? *r.measured_accuracy : r.candidate.predicted_accuracy; };
  for (const auto& b : all)
    if (b.measured.median_ms <= a.measured.median_ms && acc(b) >= acc(a) &&
        (b.measured.median_ms < a.measured.median_ms || acc(b) > acc(a)))
      return true;
  return false;
}

}  // namespace

TEST_CASE("the library is the measured front, checked by brute force", "[library]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    for (bool measured : {false, true}) {
      const MeasuredFile m = random_measured(seed, 120);
      const LibraryFile lib = build_library(m, "m.yaml", 0, measured ? AccuracySource::Measured : AccuracySource::Predicted);
      // Every non-dominated point is present once (distinct (latency, accuracy) pairs).
      std::set<std::pair<double, double>> want, got;
      for (const auto& r : m.rows)
        if (!dominated(r, m.rows, measured))
          want.insert({r.measured.median_ms, measured ? *r.measured_accuracy : r.candidate.predicted_accuracy});
      for (const auto& l : lib.levels) got.insert({l.latency_median_ms, l.accuracy});
      CHECK(got == want);
      CHECK(got.size() == lib.levels.size());
      CHECK_NOTHROW(check_levels(lib.levels, "x"));
      CHECK(lib.accuracy_source == (measured ? "measured" : "predicted"));
    }
  }
}

TEST_CASE("thinning keeps the ends and spreads the rest over the latency range", "[library]") {
  const std::vector<double> lat = {10, 11, 12, 13, 20, 21, 30, 31, 39, 40};
  CHECK(spread_levels(lat, 0) == std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(spread_levels(lat, 20).size() == 10);
  CHECK(spread_levels(lat, 1) == std::vector<std::size_t>{9});
  CHECK(spread_levels(lat, 2) == std::vector<std::size_t>{0, 9});
  CHECK(spread_levels(lat, 4) == std::vector<std::size_t>{0, 4, 6, 9});  // wants 20 and 30
  const MeasuredFile m = random_measured(5, 200);
  const LibraryFile all = build_library(m, "m.yaml", 0, AccuracySource::Predicted);
  const LibraryFile six = build_library(m, "m.yaml", 6, AccuracySource::Predicted);
  REQUIRE(all.levels.size() > 6);
  REQUIRE(six.levels.size() == 6);
  CHECK(six.levels.front().candidate_id == all.levels.front().candidate_id);
  CHECK(six.levels.back().candidate_id == all.levels.back().candidate_id);
}

TEST_CASE("library files round-trip and bad ones are rejected by name", "[library][errors]") {
  TempDir dir("library");
  const LibraryFile lib = build_library(random_measured(7, 80), "m.yaml", 4, AccuracySource::Predicted);
  REQUIRE(lib.levels.size() == 4);
  const auto path = dir / "library.yaml";
  write_file_atomic(path, format_library_yaml(lib));
  const LibraryFile back = read_library(path);
  REQUIRE(back.levels.size() == lib.levels.size());
  for (std::size_t i = 0; i < lib.levels.size(); ++i) {
    CHECK(back.levels[i].arch == lib.levels[i].arch);
    CHECK(back.levels[i].latency_median_ms == Approx(lib.levels[i].latency_median_ms));
    CHECK(back.levels[i].accuracy == Approx(lib.levels[i].accuracy));
  }
  CHECK(format_library_yaml(back) == format_library_yaml(lib));

  auto broken = [&](const std::string& from, const std::string& to) {
    std::string text = format_library_yaml(lib);
    const auto p = text.find(from);
    REQUIRE(p != std::string::npos);
    text.replace(p, from.size(), to);
    write_file_atomic(dir / "bad.yaml", text);
    return dir / "bad.yaml";
  };
  auto fails = [](const std::filesystem::path& p, const std::string& what) {
    CHECK_THROWS_WITH(read_library(p), ofa::test::contains(what));
  };
  // Unsorted: swap two levels' latencies.
  LibraryFile unsorted = lib;
  std::swap(unsorted.levels[1].latency_median_ms, unsorted.levels[2].latency_median_ms);
  unsorted.levels[1].latency_p90_ms = unsorted.levels[2].latency_p90_ms = 1000;
  write_file_atomic(dir / "unsorted.yaml", format_library_yaml(unsorted));
  fails(dir / "unsorted.yaml", "sorted fastest first");
  LibraryFile dominated = lib;
  dominated.levels[2].accuracy = dominated.levels[1].accuracy;
  write_file_atomic(dir / "dominated.yaml", format_library_yaml(dominated));
  fails(dir / "dominated.yaml", "levels[2]");
  fails(dir / "dominated.yaml", "dominated");
  fails(broken("format: ofa-library/2", "format: ofa-library/9"), "ofa-library/9");
  fails(broken("accuracy_source: predicted\nlevels:", "accuracy_source: guessed\nlevels:"), "'guessed'");
  fails(broken("    bn: null\n", "    bn: null\n    colour: red\n"), "unknown key 'colour'");
  fails(broken("    bn: null\n", "    bn: \"\"\n"), "key 'bn' is empty");  // issue #29: was read as no BN file
  fails(broken("    r: ", "    r: 1"), "r");
  fails(broken("d: [", "d: [9, "), "levels[0]");
  fails(broken("latency_ms: {median: ", "latency_ms: {median: -"), "must be positive");
  fails(broken("space: ofa-mbv3-w1.2", "space: resnet"), "key 'space'");
  write_file_atomic(dir / "empty.yaml", "format: ofa-library/1\n");
  fails(dir / "empty.yaml", "missing key");
  write_file_atomic(dir / "torn.yaml", "format: ofa-library/1\nlevels: [\n");
  fails(dir / "torn.yaml", "torn.yaml");
}

TEST_CASE("pareto with measured accuracy places only the rows that have it, and needs one", "[library][errors]") {
  MeasuredFile m = random_measured(9, 10);
  // The row fastest of all, given the best accuracy, would be the whole front; without its
  // measured accuracy it is left out.
  std::size_t fastest = 0;
  for (std::size_t i = 0; i < m.rows.size(); ++i)
    if (m.rows[i].measured.median_ms < m.rows[fastest].measured.median_ms) fastest = i;
  m.rows[fastest].measured_accuracy.reset();
  m.rows[fastest].candidate.predicted_accuracy = 0.99;
  const LibraryFile measured = build_library(m, "m.yaml", 0, AccuracySource::Measured);
  for (const Level& l : measured.levels) CHECK(l.candidate_id != m.rows[fastest].candidate.id);
  const LibraryFile predicted = build_library(m, "m.yaml", 0, AccuracySource::Predicted);
  REQUIRE(predicted.levels.size() == 1);
  CHECK(predicted.levels[0].candidate_id == m.rows[fastest].candidate.id);
  for (MeasuredRow& r : m.rows) r.measured_accuracy.reset();
  CHECK_THROWS_WITH(build_library(m, "m.yaml", 0, AccuracySource::Measured), ofa::test::contains("no row has 'measured_accuracy'"));
  TempDir dir("measured-acc");
  write_file_atomic(dir / "m.yaml", format_measured_yaml(random_measured(9, 10)));
  CHECK(read_measured(dir / "m.yaml").rows[3].measured_accuracy);
  std::string text = format_measured_yaml(random_measured(9, 3));
  text.replace(text.find("measured_accuracy: "), 19, "measured_accuracy: 7");
  write_file_atomic(dir / "bad.yaml", text);
  CHECK_THROWS_WITH(read_measured(dir / "bad.yaml"), ofa::test::contains("bad.yaml: measurements[0]") && ofa::test::contains("key 'measured_accuracy' = 7") && ofa::test::contains("is not a fraction in [0, 1]"));
}

TEST_CASE("measured and candidates rows out of the space are named on load, and seeds keep all 64 bits", "[library][errors]") {
  TempDir dir("rows");
  MeasuredFile m = random_measured(4, 5);
  m.rows[2].candidate.arch.e[0] = 5;  // block 0 is always active; 5 is not one of 3, 4, 6
  write_file_atomic(dir / "m.yaml", format_measured_yaml(m));
  CHECK_THROWS_WITH(read_measured(dir / "m.yaml"),
                    ofa::test::contains("m.yaml: measurements[2] (id 2): ") && ofa::test::contains("e[0] = 5"));

  CandidatesFile c;
  c.profile = "p.yaml";
  c.profile_name = "p";
  c.device = "cpu";
  c.space = "ofa-mbv3-w1.2";
  c.metric = "latency";
  c.unit = "ms";
  c.predictor = "predictor.pt";
  c.lut = "lut";
  c.algorithm = "evolution";
  c.seed = 18446744073709551557ull;  // above 2^53: a double would round it
  for (const auto& row : random_measured(5, 3).rows) c.candidates.push_back(row.candidate);
  write_file_atomic(dir / "c.yaml", format_candidates_yaml(c));
  CHECK(read_candidates(dir / "c.yaml").seed == 18446744073709551557ull);
  std::string text = format_candidates_yaml(c);
  const auto at = text.find("seed: ");
  text.replace(at, text.find('\n', at) - at, "seed: -1");
  write_file_atomic(dir / "neg.yaml", text);
  CHECK_THROWS_WITH(read_candidates(dir / "neg.yaml"), ofa::test::contains("neg.yaml: key 'seed' must be a whole number"));
  c.candidates[1].arch.r = 161;
  write_file_atomic(dir / "bad.yaml", format_candidates_yaml(c));
  CHECK_THROWS_WITH(read_candidates(dir / "bad.yaml"), ofa::test::contains("bad.yaml: candidates[1] (id 1): ") && ofa::test::contains("161"));
}

TEST_CASE("a library's weights path is relative to the library's folder, as its BN files are", "[library]") {
  // As given from the working directory, recorded from the library's folder.
  const std::filesystem::path cwd = std::filesystem::current_path();
  CHECK(weights_for_library("random", "runs/x/library.yaml") == "random");
  CHECK(weights_for_library("/abs/w.pt", "runs/x/library.yaml") == "/abs/w.pt");
  CHECK(weights_for_library("w/super.pt", "runs/x/library.yaml") == "../../w/super.pt");
  CHECK(weights_for_library("runs/x/w.pt", "runs/x/library.yaml") == "w.pt");
  CHECK(weights_for_library((cwd / "a/w.pt").string(), "b/library.yaml") == (cwd / "a/w.pt").string());
  // And resolved from the library file, wherever the reader runs; ofa-library/1 files meant
  // the working directory.
  LibraryFile lib;
  lib.weights = "../../w/super.pt";
  CHECK(weights_path(lib, "runs/x/library.yaml") == std::filesystem::path("runs/x/../../w/super.pt"));
  lib.format_version = 1;
  CHECK(weights_path(lib, "runs/x/library.yaml") == std::filesystem::path("../../w/super.pt"));
  lib.weights = "random";
  CHECK(weights_path(lib, "runs/x/library.yaml").empty());
}

TEST_CASE("a library carries the TF32 setting its measurements used", "[library]") {
  MeasuredFile m = random_measured(5, 20);
  m.allow_tf32 = false;
  CHECK_FALSE(build_library(m, "m.yaml", 3, AccuracySource::Predicted).allow_tf32);
  m.allow_tf32 = true;
  CHECK(build_library(m, "m.yaml", 3, AccuracySource::Predicted).allow_tf32);
}

TEST_CASE("pareto --plot draws every candidate, predicted and measured, the front and the levels kept", "[library][plot]") {
  TempDir dir("front-plot");
  MeasuredFile m = random_measured(21, 30);
  for (std::size_t i = 0; i < m.rows.size(); i += 3) m.rows[i].measured_accuracy.reset();  // 10 rows without
  write_file_atomic(dir / "m.yaml", format_measured_yaml(m));
  ParetoOptions o;
  o.measured = dir / "m.yaml";
  o.out = dir / "library.yaml";
  o.levels = 3;
  o.accuracy = AccuracySource::Measured;
  o.plot = dir / "front.svg";
  const std::string report = run_pareto(o);
  CHECK(report.find("10 rows without measured_accuracy left out") != std::string::npos);
  const std::string svg = read_file(dir / "front.svg");
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = svg.find(what); at != std::string::npos; at = svg.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(count("r=\"3\" fill=\"none\"") == 30 + 1);      // every row's predicted point, and the legend's
  CHECK(count("r=\"3\" fill=\"#1f77b4\"") == 20 + 1);   // the 20 measured ones
  CHECK(count("r=\"6\" fill=\"#ff7f0e\"") == 3 + 1);    // the levels kept
  CHECK(count("<polyline") == 1);
}
