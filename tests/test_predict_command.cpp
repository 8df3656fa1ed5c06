#include <cstdio>
#include <sstream>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "search/commands/predict_command.hpp"
#include "test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::search;
using ofa::test::TempDir;

namespace {

std::filesystem::path profile(const char* name) { return ofa::test::source_dir() / "configs" / name; }


}  // namespace

TEST_CASE("predict writes every reference value for the Xavier NX GPU profile", "[predict][reference]") {
  TempDir dir("predict");
  PredictOptions o;
  o.profile = profile("jetson-xavier-nx-gpu.yaml");
  o.archs = ofa::test::data_dir() / "reference/arch_reference.yaml";
  o.out = dir / "out.yaml";
  CHECK(run_predict(o).empty());
  const YAML::Node got = YAML::LoadFile(o.out->string());
  const YAML::Node ref = ofa::test::arch_reference();
  REQUIRE(got.size() == ref.size());
  for (const auto& kv : ref) {
    const std::string name = kv.first.Scalar();
    INFO(name);
    const YAML::Node g = got[name];
    REQUIRE(g);
    CHECK(g["predicted_accuracy"].as<double>() == Approx(kv.second["predicted_accuracy"].as<double>()).epsilon(1e-5));
    CHECK(g["latency_ms"].as<double>() == Approx(kv.second["latency_ms"]["jetson_GPU"].as<double>()).epsilon(1e-5));
    CHECK(g["macs_m"].as<double>() == Approx(kv.second["macs_m"].as<double>()).epsilon(1e-9));
    CHECK(g["params_m"].as<double>() == Approx(kv.second["params_m"].as<double>()).epsilon(1e-9));
  }
  // The output is itself an architecture file.
  const auto back = read_archs(*o.out, search_space("ofa-mbv3-w1.2"));
  const auto orig = read_archs(o.archs, search_space("ofa-mbv3-w1.2"));
  REQUIRE(back.size() == orig.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    CHECK(back[i].name == orig[i].name);
    CHECK(back[i].arch == orig[i].arch);
  }
}

TEST_CASE("the ofa-search binary: predict to stdout, CSV, and exit 2 with one line on bad input", "[predict][cli]") {
  TempDir dir("cli");
  const std::string prof = profile("note10.yaml").string();
  const std::string archs = (ofa::test::source_dir() / "configs/examples/single-arch.yaml").string();
  auto ok = ofa::test::shell(ofa::test::tool("ofa-search") + " predict --profile " + prof + " --archs " + archs);
  CHECK(ok.status == 0);
  CHECK_THAT(ok.output, ofa::test::starts_with("single-arch:\n  predicted_accuracy: "));

  auto csv = ofa::test::shell(ofa::test::tool("ofa-search") + " predict --profile " + prof + " --archs " + archs + " --table-format csv --out " +
                  (dir / "o.csv").string());
  CHECK(csv.status == 0);
  const std::string text = read_file(dir / "o.csv");
  CHECK_THAT(text, ofa::test::starts_with("name,predicted_accuracy,latency_ms,macs_m,params_m,ks,e,d,r\nsingle-arch,0."));

  ofa::test::write_text(dir / "bad.yaml", "x:\n  ks: [3]\n");
  auto bad = ofa::test::shell(ofa::test::tool("ofa-search") + " predict --profile " + prof + " --archs " + (dir / "bad.yaml").string());
  CHECK(bad.status == 2);
  CHECK_THAT(bad.output, ofa::test::starts_with("ofa-search: error: ") && ofa::test::contains("bad.yaml: 'x'"));
  CHECK(std::count(bad.output.begin(), bad.output.end(), '\n') == 1);

  auto nodata = ofa::test::shell("OFA_DATA_DIR=/nonexistent " + ofa::test::tool("ofa-search") + " predict --profile " + prof + " --archs " + archs);
  CHECK(nodata.status == 2);
  CHECK_THAT(nodata.output, ofa::test::contains("/nonexistent") && ofa::test::contains("OFA_DATA_DIR"));

  auto noflag = ofa::test::shell(ofa::test::tool("ofa-search") + " predict --archs " + archs);
  CHECK(noflag.status == 2);

  auto help = ofa::test::shell(ofa::test::tool("ofa-search") + " predict --help");
  CHECK(help.status == 0);
  CHECK_THAT(help.output, ofa::test::contains("--profile") && ofa::test::contains("--archs") && ofa::test::contains("--table-format"));
}
