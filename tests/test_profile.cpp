#include "catch.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/profile.hpp"
#include "test_support.hpp"

using namespace ofa::common;
using ofa::test::TempDir;
using ofa::test::write_text;

TEST_CASE("the shipped profiles load and resolve their data paths", "[profile]") {
  for (const char* name : {"jetson-xavier-nx-gpu", "jetson-xavier-nx-cpu", "note10"}) {
    INFO(name);
    const auto p = load_profile(ofa::test::source_dir() / "configs" / (std::string(name) + ".yaml"));
    CHECK(p.name == name);
    CHECK(p.space.name == "ofa-mbv3-w1.2");
    REQUIRE(p.predictor);
    CHECK(std::filesystem::is_regular_file(*p.predictor));
    REQUIRE(p.lut);
    CHECK(std::filesystem::is_directory(*p.lut));
    CHECK(p.metric == Metric::Latency);
    CHECK(p.search.algorithm == Algorithm::Evolution);
    CHECK(p.search.population == 100);
    CHECK(p.search.generations == 500);
    CHECK_FALSE(p.search.constraints.empty());
  }
}

namespace {

const char* kBase =
    "space: ofa-mbv3-w1.2\n"
    "metric: flops\n";

std::string load_error(const TempDir& dir, const std::string& text) {
  write_text(dir / "p.yaml", text);
  try {
    load_profile(dir / "p.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("profile settings and path resolution", "[profile]") {
  TempDir dir("profile");
  write_text(dir / "p.yaml", std::string(kBase) +
                                 "resolutions: [224, 160, 192]\nlut: luts/here\n"
                                 "search: {algorithm: nsga2, constraints: [18, 20.5], population: 16, seed: 9}\n");
  const auto p = load_profile(dir / "p.yaml");
  CHECK(p.space.resolutions == std::vector<int>{160, 192, 224});
  CHECK(p.metric == Metric::Flops);
  REQUIRE(p.lut);
  CHECK(*p.lut == dir.path() / "luts/here");  // relative to the profile's folder
  CHECK(p.search.algorithm == Algorithm::Nsga2);
  CHECK(p.search.constraints == std::vector<double>{18, 20.5});
  CHECK(p.search.population == 16);
  CHECK(p.search.seed == 9);
  CHECK(p.name == "p");

  write_text(dir / "q.yaml", std::string(kBase) + "lut: data:luts/x\nsearch: {constraints: {from: 18, to: 24, step: 2}}\n");
  const auto q = load_profile(dir / "q.yaml", dir.path().string());
  CHECK(*q.lut == dir.path() / "luts/x");  // data: resolves in --data-dir
  CHECK(q.search.constraints == std::vector<double>{18, 20, 22, 24});
}

TEST_CASE("bad profiles get one-line errors naming file, key and value", "[profile][errors]") {
  TempDir dir("profile");
  CHECK_THAT(load_error(dir, std::string(kBase) + "serach: {}\n"), ofa::test::contains("p.yaml: unknown key 'serach'"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "search: {popsize: 3}\n"), ofa::test::contains("search: unknown key 'popsize'"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "search: {population: 3}\n"),
             ofa::test::contains("p.yaml: search.population = 3 must be at least 4"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "search: {parent_ratio: 0}\n"), ofa::test::contains("parent_ratio = 0 must be in (0, 1]"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "search: {mutation_ratio: 1.5}\n"), ofa::test::contains("mutation_ratio = 1.5"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "search: {mutate_prob: .nan}\n"), ofa::test::contains("mutate_prob must be a finite number"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "search: {algorithm: random}\n"), ofa::test::contains("algorithm 'random' is not one of"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "resolutions: []\n"), ofa::test::contains("'resolutions' must be a non-empty list"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "resolutions: [161]\n"), ofa::test::contains("resolutions[0] = 161 is not a resolution"));
  CHECK_THAT(load_error(dir, "space: ofa-mbv3-w1.2\nmetric: latency\n"), ofa::test::contains("metric 'latency' needs key 'lut'"));
  CHECK_THAT(load_error(dir, "space: ofa-mbv3-w9\nmetric: flops\n"), ofa::test::contains("unknown search space 'ofa-mbv3-w9'"));
  CHECK_THAT(load_error(dir, "metric: flops\n"), ofa::test::contains("missing key 'space'"));
  CHECK_THAT(load_error(dir, "space: [1\n"), ofa::test::contains("malformed YAML"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "format: ofa-profile/9\n"), ofa::test::contains("format 'ofa-profile/9' is not supported"));
  CHECK_THAT(load_error(dir, std::string(kBase) + "search: {constraints: {from: 30, to: 18, step: 2}}\n"),
             ofa::test::contains("'to' is below 'from'"));
}

TEST_CASE("constraint list and range syntax (--constraints)", "[profile]") {
  CHECK(parse_constraints("18,20,24") == std::vector<double>{18, 20, 24});
  CHECK(parse_constraints("18:30:4") == std::vector<double>{18, 22, 26, 30});
  CHECK(parse_constraints("18:19:0.5") == std::vector<double>{18, 18.5, 19});
  CHECK_THROWS_WITH(parse_constraints("18,x"), ofa::test::contains("'x' is not a number"));
  CHECK_THROWS_WITH(parse_constraints("18:30"), ofa::test::contains("expected from:to:step"));
  CHECK_THROWS_WITH(parse_constraints("18:30:0"), ofa::test::contains("step must be positive"));
}

TEST_CASE("search.resolutions narrows the search, not the profile", "[profile]") {
  TempDir dir("profile");
  write_text(dir / "p.yaml", std::string(kBase) + "search: {resolutions: [224, 160, 160]}\n");
  const auto p = load_profile(dir / "p.yaml");
  CHECK(p.space.resolutions.size() == 17);
  CHECK(p.search.resolutions == std::vector<int>{160, 224});
  CHECK_THAT(load_error(dir, std::string(kBase) + "resolutions: [160, 176]\nsearch: {resolutions: [192]}\n"),
             ofa::test::contains("search.resolutions[0] = 192 is not one of the profile's resolutions"));
  const auto gpu = load_profile(ofa::test::source_dir() / "configs/jetson-xavier-nx-gpu.yaml");
  CHECK(gpu.search.resolutions == std::vector<int>{160, 176, 192, 208, 224});
}
