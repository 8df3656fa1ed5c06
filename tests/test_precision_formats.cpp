// Precision in the files: measured rows and library levels at fp32 or int8, the int8
// calibration file, and the front over (architecture, precision).
#include "catch.hpp"

#include "measured_fixtures.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/int8_calibration_file.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/precision.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/search/library_builder.hpp"
#include "test_support.hpp"

using namespace ofa::common;
using ofa::search::AccuracySource;
using ofa::search::build_library;
using ofa::test::TempDir;

namespace {

// Kernel 3, expand 3, depth 2 everywhere: in the w1.2 space at any of its resolutions.
ArchConfig arch_at(int r) {
  ArchConfig a;
  a.ks.fill(3);
  a.e.fill(3);
  a.d.fill(2);
  a.r = r;
  return a.canonical();
}

Int8Calibration calibration() {
  Int8Calibration c;
  c.setup = {"percentile", 99.99, false, "images/val", 10, 3};
  c.ranges = {{"input", {-2.1, 2.6}}, {"l0_conv_0", {-7.25, 9.5}}};
  return c;
}

}  // namespace

TEST_CASE("precision lists: fp32 and int8, each once", "[formats][int8]") {
  CHECK(parse_precision_list("fp32,int8", "--precision") == std::vector<std::string>{"fp32", "int8"});
  CHECK(parse_precision_list("int8", "--precision") == std::vector<std::string>{"int8"});
  CHECK_THROWS_WITH(parse_precision_list("fp16", "--precision"), ofa::test::contains("'fp16' is not a precision (fp32 or int8)"));
  CHECK_THROWS_WITH(parse_precision_list("int8,int8", "--precision"), ofa::test::contains("names int8 twice"));
  CHECK_THROWS_WITH(parse_precision_list("", "--precision"), ofa::test::contains("is not a precision"));
  CHECK_THROWS_WITH(parse_precision_list("fp32,", "--precision"), ofa::test::contains("is not a precision"));
}

TEST_CASE("an int8 calibration file round-trips, and a damaged one is named", "[formats][int8][errors]") {
  TempDir dir("int8-cal");
  write_file_atomic(dir / "c.yaml", format_int8_calibration_yaml(calibration()));
  const Int8Calibration back = read_int8_calibration(dir / "c.yaml");
  CHECK(back.setup == calibration().setup);
  CHECK(back.ranges == calibration().ranges);
  const std::string good = format_int8_calibration_yaml(calibration());
  auto fails = [&](std::string text, const std::string& why) {
    write_file_atomic(dir / "bad.yaml", text);
    CHECK_THROWS_WITH(read_int8_calibration(dir / "bad.yaml"), ofa::test::contains("bad.yaml") && ofa::test::contains(why));
  };
  fails(std::string(good).replace(good.find("[-7.25, 9.5]"), 12, "[9.5, -7.25]"), "is not a finite range");
  fails(std::string(good).replace(good.find("[-7.25, 9.5]"), 12, "[.nan, 1]"), "ranges.l0_conv_0");
  fails(std::string(good).replace(good.find("[-7.25, 9.5]"), 12, "[1]"), "not a pair [lo, hi]");
  fails(std::string(good).replace(good.find("method: percentile"), 18, "method: entropy"), "'entropy' is not minmax or percentile");
  fails(std::string(good).replace(good.find("percentile: 99.99"), 17, "percentile: 30"), "is not in (50, 100]");
  fails(std::string(good).replace(good.find("seed: 3"), 7, "seed: 3, extra: 1"), "extra");
  fails(std::string(good).replace(good.find("ofa-int8-calibration/1"), 22, "ofa-int8-calibration/9"), "'format' is not ofa-int8-calibration/1");
  fails(good + "  \"input\": [0, 1]\n", "appears twice");
  fails(good.substr(0, good.find("ranges:")) + "ranges: {}\n", "non-empty mapping");
}

TEST_CASE("measured rows and library levels carry their precision, and an int8 one needs its file", "[formats][int8][errors]") {
  TempDir dir("precision-rows");
  MeasuredFile m = ofa::test::measured_header();
  m.rows = {ofa::test::measured_row(4, arch_at(160), 5.0), ofa::test::measured_row(4, arch_at(160), 3.5)};
  m.rows[1].precision = {"int8", "m_int8/cand_4.yaml"};
  write_file_atomic(dir / "m.yaml", format_measured_yaml(m));
  const MeasuredFile back = read_measured(dir / "m.yaml");
  REQUIRE(back.rows.size() == 2);
  CHECK(back.rows[0].precision == ItemPrecision{});
  CHECK(back.rows[1].precision == ItemPrecision{"int8", "m_int8/cand_4.yaml"});
  // An fp32 row writes nothing new: files before int8 read and write the same.
  CHECK(format_measured_yaml(back).find("precision: fp32") == std::string::npos);
  // The same candidate twice at one precision is refused, naming it.
  m.rows[1].precision = {};
  write_file_atomic(dir / "twice.yaml", format_measured_yaml(m));
  CHECK_THROWS_WITH(read_measured(dir / "twice.yaml"), ofa::test::contains("candidate id 4 appears twice at fp32"));
  std::string text = format_measured_yaml(back);
  text.replace(text.find("    int8: \"m_int8/cand_4.yaml\"\n"), 31, "");
  write_file_atomic(dir / "nofile.yaml", text);
  CHECK_THROWS_WITH(read_measured(dir / "nofile.yaml"), ofa::test::contains("measurements[1]: precision int8 without its 'int8' calibration file"));
  text = format_measured_yaml(back);
  text.replace(text.find("precision: int8"), 15, "precision: fp16");
  write_file_atomic(dir / "fp16.yaml", text);
  CHECK_THROWS_WITH(read_measured(dir / "fp16.yaml"), ofa::test::contains("key 'precision' = 'fp16' is not fp32 or int8"));
}

TEST_CASE("the front is over (architecture, precision): an int8 row is a point of its own, ranked by measured accuracy only", "[library][int8]") {
  MeasuredFile m = ofa::test::measured_header();
  // Candidate 1: fp32 10 ms at 0.80, int8 6 ms at 0.79; candidate 2: fp32 7 ms at 0.70.
  m.rows = {ofa::test::measured_row(1, arch_at(224), 10.0), ofa::test::measured_row(1, arch_at(224), 6.0), ofa::test::measured_row(2, arch_at(160), 7.0)};
  m.rows[1].precision = {"int8", "m_int8/cand_1.yaml"};
  m.rows[0].measured_accuracy = 0.80, m.rows[1].measured_accuracy = 0.79, m.rows[2].measured_accuracy = 0.70;
  for (MeasuredRow& r : m.rows) r.candidate.predicted_accuracy = 0.75;
  const LibraryFile lib = build_library(m, "m.yaml", 0, AccuracySource::Measured);
  // The int8 row dominates candidate 2 (faster and more accurate); the fp32 one is the top.
  REQUIRE(lib.levels.size() == 2);
  CHECK(lib.levels[0].candidate_id == 1);
  CHECK(lib.levels[0].precision == ItemPrecision{"int8", "m_int8/cand_1.yaml"});
  CHECK(lib.levels[1].candidate_id == 1);
  CHECK(lib.levels[1].precision.precision == "fp32");
  // Predicted accuracy knows float32 networks only: int8 rows are left out.
  const LibraryFile predicted = build_library(m, "m.yaml", 0, AccuracySource::Predicted);
  for (const Level& l : predicted.levels) CHECK(l.precision.precision == "fp32");
  for (MeasuredRow& r : m.rows) r.precision = {"int8", "x.yaml"};
  CHECK_THROWS_WITH(build_library(m, "m.yaml", 0, AccuracySource::Predicted), ofa::test::contains("no fp32 row"));
  // The library file holds both levels of candidate 1 and reads back.
  TempDir dir("precision-library");
  write_file_atomic(dir / "library.yaml", format_library_yaml(lib));
  const LibraryFile back = read_library(dir / "library.yaml");
  CHECK(back.levels[0].precision == lib.levels[0].precision);
  CHECK(back.levels[1].precision == lib.levels[1].precision);
}
