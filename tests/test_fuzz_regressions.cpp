// Every input a fuzzer ever broke (tests/fuzz/regressions/<target>/) and every seed, through
// the same entry points as scripts/fuzz: each must be accepted or rejected with a one-line
// Error, never crash or throw anything else. Runs in every build, sanitizers included.
#include <filesystem>

#include "catch.hpp"
#include "fuzz/fuzz_target.hpp"
#include "ofa/common/files.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

TEST_CASE("fuzzer seeds and regressions are read or rejected, never crash", "[fuzz]") {
  int inputs = 0;
  for (const char* root : {"tests/fuzz/seeds", "tests/fuzz/regressions"}) {
    const fs::path dir = ofa::test::source_dir() / root;
    if (!fs::exists(dir)) continue;
    for (const auto& target_dir : fs::directory_iterator(dir)) {
      const auto target = ofa::fuzz::parse_target(target_dir.path().filename().string());
      INFO(target_dir.path());
      REQUIRE(target);  // a folder named after no target would silently test nothing
      for (const auto& f : fs::directory_iterator(target_dir.path())) {
        INFO(f.path());
        CHECK_NOTHROW(ofa::fuzz::run_one(*target, ofa::common::read_file(f.path())));
        ++inputs;
      }
    }
  }
  CHECK(inputs >= 3);
}
