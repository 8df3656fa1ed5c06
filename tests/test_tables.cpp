#include "catch.hpp"

#include <cmath>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/search/latency_table.hpp"
#include "ofa/search/sampling.hpp"
#include "test_support.hpp"

using namespace ofa::common;
using ofa::search::LatencyTable;
using ofa::test::data_dir;

TEST_CASE("LUT latency equals the reference for every table and architecture", "[lut][reference]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  const YAML::Node ref = ofa::test::arch_reference();
  const std::map<std::string, std::string> folders{
      {"jetson", "luts/jetson_xavier_nx_cpu"}, {"jetson_GPU", "luts/jetson_xavier_nx_gpu"}, {"note10", "luts/note10"}};
  for (const auto& [table, folder] : folders) {
    const auto lut = LatencyTable::load(data_dir() / folder, space);
    int checked = 0;
    for (const auto& kv : ref) {
      INFO(table << " " << kv.first.Scalar());
      const ArchConfig a = arch_from_yaml(kv.second, kv.first.Scalar());
      const double expected = kv.second["latency_ms"][table].as<double>();
      CHECK(lut(a) == Approx(expected).epsilon(1e-5));
      ++checked;
    }
    CHECK(checked >= 8);
  }
}

TEST_CASE("the integer-indexed table equals a plain sum of the keys' means", "[lut]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  const auto folder = data_dir() / "luts/jetson_xavier_nx_gpu";
  const auto lut = LatencyTable::load(folder, space);
  std::map<int, LutFile> files;
  ofa::search::Rng rng(17);
  for (int i = 0; i < 200; ++i) {
    const ArchConfig a = ofa::search::random_arch(space, rng);
    if (!files.count(a.r)) files[a.r] = read_lut_file(*find_lut_file(folder, a.r));
    double sum = 0;
    for (const auto& l : enumerate_layers(space, a)) sum += files[a.r].at(lut_key(l)).mean;
    CHECK(lut(a) == Approx(sum).epsilon(1e-12));
    CHECK(lut(a) >= lut.table().min_value() - 1e-9);
    CHECK(lut(a) <= lut.table().max_value() + 1e-9);
    CHECK(lut(a) >= lut.table().min_value_at(a.r) - 1e-9);
  }
}

TEST_CASE("the table's extremes equal a brute force over the CompOFA space", "[lut]") {
  const auto space = search_space("compofa-mbv3-w1.2");
  const auto lut = LatencyTable::load(data_dir() / "luts/jetson_xavier_nx_gpu", space);
  double lo = 1e300, hi = -1e300;
  std::map<int, double> lo_at;
  int count = 0;
  for (int r : space.resolutions) {
    lo_at[r] = 1e300;
    for (int code = 0; code < 243; ++code) {
      ArchConfig a;
      a.r = r;
      for (int s = 0, c = code; s < kStages; ++s, c /= 3) a.d[s] = 2 + c % 3;
      ofa::search::apply_space_rules(space, a);
      const double v = lut(a);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      lo_at[r] = std::min(lo_at[r], v);
      ++count;
    }
  }
  CHECK(count == 1215);
  CHECK(lut.table().min_value() == Approx(lo).epsilon(1e-12));
  CHECK(lut.table().max_value() == Approx(hi).epsilon(1e-12));
  for (const auto& [r, v] : lo_at) CHECK(lut.table().min_value_at(r) == Approx(v).epsilon(1e-12));
}

TEST_CASE("a table missing a key the space needs fails at load, naming key and file", "[lut][errors]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  ofa::test::TempDir dir("lut");
  const auto src = data_dir() / "luts/jetson_xavier_nx_gpu";
  LutFile t = read_lut_file(*find_lut_file(src, 160));
  const std::string gone = "expanded_conv-input:10x10x136-output:10x10x136-expand:408-kernel:5-stride:1-idskip:1-se:1-hs:1";
  REQUIRE(t.erase(gone) == 1);
  write_lut_file(dir / "160_lookup_table.json", t);
  auto one = space;
  one.resolutions = {160};
  CHECK_THROWS_WITH(LatencyTable::load(dir.path(), one),
                    ofa::test::contains("160_lookup_table.json: missing key '" + gone + "'"));
  // A resolution without a file.
  auto two = space;
  two.resolutions = {160, 164};
  CHECK_THROWS_WITH(LatencyTable::load(dir.path(), two), ofa::test::contains("no table for resolution 164"));
  // A malformed entry.
  ofa::test::write_text(dir / "160_lookup_table.json", "{\"Conv-input:160x160x3-output:80x80x24\": {\"mean\": -1}}");
  CHECK_THROWS_WITH(LatencyTable::load(dir.path(), one), ofa::test::contains("mean = -1") && ofa::test::contains("is negative"));
  ofa::test::write_text(dir / "160_lookup_table.json", "{\"Conv-input:160x160x3-output:80x80x24\": {\"mean\": \"fast\"}}");
  CHECK_THROWS_WITH(LatencyTable::load(dir.path(), one), ofa::test::contains("mean must be a finite number, got 'fast'"));
  ofa::test::write_text(dir / "160_lookup_table.json", "{\"Conv-input:160x160x3-output:80x80x24\": {\"mean\": 1.0,");
  CHECK_THROWS_WITH(LatencyTable::load(dir.path(), one), ofa::test::contains("malformed YAML"));
  CHECK_THROWS_WITH(LatencyTable::load(dir / "nowhere", one), ofa::test::contains("does not exist"));
}

TEST_CASE("a w1.0 space against a w1.2 table reports the missing keys", "[lut][errors]") {
  const auto space = search_space("ofa-mbv3-w1.0");
  CHECK_THROWS_WITH(LatencyTable::load(data_dir() / "luts/jetson_xavier_nx_gpu", space),
                    ofa::test::contains("missing key 'Conv-input:160x160x3-output:80x80x16'") && ofa::test::contains("more keys"));
}

TEST_CASE("LUT files round-trip through the JSON writer", "[lut]") {
  ofa::test::TempDir dir("lut");
  LutFile t;
  t["Conv-input:160x160x3-output:80x80x24"] = {12, 0.123456789012345, 0.01};
  t["Logits-input:1x1x1536-output:1000"] = {3, 2.5, 0};
  write_lut_file(dir / "160_lookup_table.json", t);
  const LutFile back = read_lut_file(dir / "160_lookup_table.json");
  REQUIRE(back.size() == 2);
  CHECK(back.at("Conv-input:160x160x3-output:80x80x24").mean == t.at("Conv-input:160x160x3-output:80x80x24").mean);
  CHECK(back.at("Conv-input:160x160x3-output:80x80x24").count == 12);
}

TEST_CASE("a calibration whose offset makes the smallest network's latency negative is refused at load", "[lut][errors]") {
  auto space = search_space("ofa-mbv3-w1.2");
  space.resolutions = {160};
  ofa::test::TempDir dir("lut-cal");
  const auto src = data_dir() / "luts/jetson_xavier_nx_gpu";
  write_lut_file(dir / "160_lookup_table.json", read_lut_file(*find_lut_file(src, 160)));
  const double smallest = LatencyTable::load(dir.path(), space).table().min_value_at(160);
  REQUIRE(smallest > 0);
  LutCalibration c;
  c.scale = 1.0;
  c.offset_ms = -1000;
  write_lut_calibration(dir.path(), c);
  CHECK_THROWS_WITH(LatencyTable::load(dir.path(), space),
                    ofa::test::contains("calibration.yaml: offset_ms = -1000") && ofa::test::contains("r=160 predict") &&
                        ofa::test::contains("must be positive"));
  c.offset_ms = 0;
  c.scale = 1e308;
  write_lut_calibration(dir.path(), c);
  CHECK_THROWS_WITH(LatencyTable::load(dir.path(), space), ofa::test::contains("overflow to infinity"));
  c.scale = 1;
  c.offset_ms = 1e308 * 1e1;  // inf: refused by the reader itself
  write_lut_calibration(dir.path(), c);
  CHECK_THROWS_WITH(LatencyTable::load(dir.path(), space), ofa::test::contains("offset_ms"));
  c.offset_ms = -1000;
  write_lut_calibration(dir.path(), c);
  // The uncalibrated view still loads; an offset that keeps every network positive is fine.
  CHECK_NOTHROW(LatencyTable::load(dir.path(), space, false));
  c.offset_ms = -0.5 * smallest;
  write_lut_calibration(dir.path(), c);
  CHECK(LatencyTable::load(dir.path(), space).table().min_value_at(160) == Approx(0.5 * smallest).epsilon(1e-9));
}
