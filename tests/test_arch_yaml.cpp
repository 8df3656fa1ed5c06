#include "catch.hpp"

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/search/sampling.hpp"
#include "test_support.hpp"

using namespace ofa::common;
using ofa::test::TempDir;
using ofa::test::write_text;

namespace {
const char* kArch = "ks: [3, 7, 3, 5, 3, 5, 5, 5, 7, 5, 3, 3, 5, 3, 5, 5, 7, 3, 7, 5]\n"
                    "e: [4, 6, 3, 6, 3, 4, 3, 3, 3, 6, 6, 3, 4, 6, 3, 4, 6, 3, 6, 3]\n"
                    "d: [3, 3, 4, 2, 3]\n"
                    "r: 188\n";
}

TEST_CASE("reads the golden cases file as a mapping, in file order", "[yaml]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  const auto archs = read_archs(ofa::test::data_dir() / "golden/cases_public.yaml", space);
  REQUIRE(archs.size() == 4);
  CHECK(archs[0].name == "max_r224");
  CHECK(archs[1].name == "min_r160");
  CHECK(archs[3].name == "random_a");
  CHECK(archs[3].arch.r == 188);
  CHECK(archs[3].arch.d == std::array<int, 5>{3, 3, 4, 2, 3});
}

TEST_CASE("reads the reference file, ignoring its other keys", "[yaml]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  const auto archs = read_archs(ofa::test::data_dir() / "reference/arch_reference.yaml", space);
  CHECK(archs.size() >= 8);
}

TEST_CASE("a single-architecture file gives one entry named after the file", "[yaml]") {
  TempDir dir("yaml");
  write_text(dir / "my_net.yaml", kArch);
  const auto archs = read_archs(dir / "my_net.yaml", search_space("ofa-mbv3-w1.2"));
  REQUIRE(archs.size() == 1);
  CHECK(archs[0].name == "my_net");
  CHECK(archs[0].arch.ks[1] == 7);
}

TEST_CASE("architectures round-trip through YAML", "[yaml]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  ofa::search::Rng rng(5);
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::vector<ArchConfig> written;
  for (int i = 0; i < 50; ++i) {
    written.push_back(ofa::search::random_arch(space, rng));
    out << YAML::Key << ("a" + std::to_string(i)) << YAML::Value << YAML::BeginMap;
    emit_arch_fields(out, written.back());
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  TempDir dir("yaml");
  write_text(dir / "archs.yaml", out.c_str());
  const auto back = read_archs(dir / "archs.yaml", space);
  REQUIRE(back.size() == written.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    CHECK(back[i].name == "a" + std::to_string(i));
    // Exact, inactive values included.
    CHECK(back[i].arch.ks == written[i].ks);
    CHECK(back[i].arch.e == written[i].e);
    CHECK(back[i].arch.d == written[i].d);
    CHECK(back[i].arch.r == written[i].r);
  }
}

TEST_CASE("bad architecture files get errors naming file, entry and key", "[yaml][errors]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  TempDir dir("yaml");
  auto err = [&](const std::string& text) {
    write_text(dir / "a.yaml", text);
    try {
      read_archs(dir / "a.yaml", space);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string bad_e = kArch;
  bad_e.replace(bad_e.find("e: [4, 6, 3, 6, 3, 4"), 20, "e: [4, 6, 3, 6, 3, 5");  // e[5] is active (d[1] = 3)
  auto indent = [](const std::string& text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      out += "  " + text.substr(start, end - start + 1);
      start = end + 1;
    }
    return out;
  };
  CHECK_THAT(err("net:\n" + indent(bad_e)),
             ofa::test::contains("a.yaml: 'net': e[5] = 5 is not one of 3,4,6"));
  CHECK_THAT(err(bad_e), ofa::test::contains("e[5] = 5 is not one of 3,4,6"));
  CHECK_THAT(err("x:\n  ks: [3, 3]\n  e: [3]\n  d: [2]\n  r: 160\n"),
             ofa::test::contains("'x'") && ofa::test::contains("key 'ks' must be a list of 20 integers, got 2 values"));
  CHECK_THAT(err("x:\n  e: [3]\n"), ofa::test::contains("missing key 'ks'"));
  std::string bad_r = kArch;
  bad_r.replace(bad_r.find("r: 188"), 6, "r: 190");
  CHECK_THAT(err(bad_r), ofa::test::contains("r = 190 is not one of"));
  std::string bad_int = kArch;
  bad_int.replace(bad_int.find("r: 188"), 6, "r: abc");
  CHECK_THAT(err(bad_int), ofa::test::contains("key 'r' must be an integer, got 'abc'"));
  CHECK_THAT(err("x: [1, 2\n"), ofa::test::contains("a.yaml:") && ofa::test::contains("malformed YAML"));
  CHECK_THAT(err("{}\n"), ofa::test::contains("no architectures"));
  CHECK_THROWS_WITH(read_archs(dir / "missing.yaml", space), ofa::test::contains("missing.yaml: no such file"));
}

TEST_CASE("compound space rules are checked", "[yaml][errors]") {
  const auto space = search_space("compofa-mbv3-w1.2");
  ArchConfig a;
  a.ks = {3, 3, 3, 3, 5, 5, 5, 5, 3, 3, 3, 3, 3, 3, 3, 3, 5, 5, 5, 5};
  a.d = {2, 3, 4, 2, 3};
  for (int b = 0; b < kBlocks; ++b) a.e[b] = space.compound_e_for_depth[a.d[b / 4]];
  a.r = 176;
  CHECK(validation_error(space, a).empty());
  a.e[4] = 6;
  CHECK_THAT(validation_error(space, a), ofa::test::contains("e[4] = 6") && ofa::test::contains("requires e = 4"));
  a.e[4] = 4;
  a.ks[0] = 5;
  CHECK_THAT(validation_error(space, a), ofa::test::contains("ks[0] = 5 is not one of 3"));
  a.ks[0] = 3;
  a.r = 164;
  CHECK_THAT(validation_error(space, a), ofa::test::contains("r = 164"));
}
