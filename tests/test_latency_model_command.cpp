// `ofa-measure latency-model` end to end on this CPU (tiny settings: what is checked is the
// output's structure and consistency, never its timings), and its refusals.
#include "ofa/common/lut_file.hpp"
#include "ofa/search/latency_table.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using ofa::test::shell;
using ofa::test::TempDir;
using ofa::test::tool;

TEST_CASE("latency-model writes a table folder the search loads, a quality report and every network", "[latency-model][cli]") {
  TempDir dir("latency-model");
  const std::string cmd = tool("ofa-measure") + " latency-model --threads 1 --networks 9 --resolutions 160 --rounds 2 --repeats 1 --warmup 0 --quiet --out " +
                          (dir / "model").string();
  const auto r = shell(cmd);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("6 networks fitted, 3 held out") != std::string::npos);
  const YAML::Node q = YAML::LoadFile((dir / "model/quality.yaml").string());
  CHECK(q["heldout"].as<int>() == 3);
  for (const char* key : {"spearman", "mape", "within_10pct", "table_spearman", "table_mape", "table_within_10pct", "retest_spearman", "retest_mape"}) {
    INFO(key);
    REQUIRE(q[key].IsScalar());
    CHECK(std::isfinite(q[key].as<double>()));
  }
  CHECK(q["within_10pct"].as<double>() >= 0);
  CHECK(q["within_10pct"].as<double>() <= 1);
  CHECK(q["prior"].as<std::string>() == "macs");
  CHECK(read_file(dir / "model/quality.svg").rfind("<svg", 0) == 0);
  // The folder is a latency table in OFA's layout: the search loads it, and it predicts
  // each network as the command reported.
  auto space = ofa::test::w12();
  space.resolutions = {160};
  const auto table = ofa::search::LatencyTable::load(dir / "model", space);
  const YAML::Node nets = YAML::LoadFile((dir / "model/networks.yaml").string())["networks"];
  REQUIRE(nets.size() == 9);
  int held = 0;
  for (const auto& n : nets) {
    const ArchConfig a = arch_from_yaml(n["arch"], "networks.yaml");
    CHECK(table(a) == Approx(n["model_ms"].as<double>()).epsilon(1e-5));
    CHECK(n["measured_ms"].as<double>() > 0);
    held += n["split"].as<std::string>() == "heldout";
  }
  CHECK(held == 3);
  // An occupied --out is kept as it was without --force.
  const std::string before = read_file(dir / "model/quality.yaml");
  const auto again = shell(cmd);
  CHECK(again.status == 2);
  CHECK(again.output.find("--force") != std::string::npos);
  CHECK(read_file(dir / "model/quality.yaml") == before);
}

TEST_CASE("latency-model refuses too few networks, a budget too small and a device not here, writing nothing", "[latency-model][cli][errors]") {
  TempDir dir("latency-model-bad");
  auto fails = [&](const std::string& args, const std::string& what) {
    const auto r = shell(tool("ofa-measure") + " latency-model --threads 1 --quiet --out " + (dir / "m").string() + " " + args);
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find(what) != std::string::npos);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "m"));
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) FAIL("left behind: " << e.path());
  };
  fails("--networks 5", "--networks: '5' is not a whole number in [6, 100000]");
  fails("--networks 9", "too few for 5 resolutions");
  fails("--networks 9 --resolutions 160 --budget-minutes 0.00001", "too small to measure 9 networks");
  fails("--networks 9 --resolutions 161", "161 is not a resolution");
  fails("--networks 9 --resolutions 160 --rounds 1", "--rounds 1 must be at least 2");
  fails("--networks 9 --resolutions 160 --lut " + (dir / "none").string(), "no 160_lookup_table");
  fails("--networks 9 --resolutions 160 --pin-cpus x", "--pin-cpus 'x'");
  if (!torch::cuda::is_available()) fails("--networks 9 --resolutions 160 --device cuda", "cuda");
}
