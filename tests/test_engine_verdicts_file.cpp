// ofa-engine-verdicts/1: the engines' verdicts kept per machine (engine_verdicts.hpp).
#include "catch.hpp"

#include "ofa/common/engine_verdicts_file.hpp"
#include "ofa/common/files.hpp"
#include "test_support.hpp"

TEST_CASE("engine verdicts are written and read back, and a malformed file is one line naming it", "[formats][engines]") {
  ofa::test::TempDir dir("verdicts");
  ofa::common::EngineVerdictsFile f;
  f.machine = {{"cpu", "AMD EPYC (family 26, model 2, stepping 1)"}, {"libtorch", "2.6.0"}, {"checker", "/a \"quoted\" path: x"}};
  f.engines.push_back({"optimized", "cpu", false, "optimized: its check died of SIGFPE (Floating point exception)", 0, 0, 1.5});
  f.engines.push_back({"eager", "cpu", true, "", 3.5e-6, 2e-4, 0.25});
  const auto file = dir.path() / "v.yaml";
  ofa::common::write_file_atomic(file, ofa::common::format_engine_verdicts_yaml(f));
  const auto back = ofa::common::read_engine_verdicts(file);
  CHECK(back.machine == f.machine);
  REQUIRE(back.engines.size() == 2);
  CHECK(back.engines[0].reason == f.engines[0].reason);
  CHECK_FALSE(back.engines[0].right);
  CHECK(back.engines[1].right);
  CHECK(back.engines[1].max_error == Approx(3.5e-6));

  ofa::common::write_file_atomic(file, "format: ofa-engine-verdicts/1\nmachine: {}\nengines:\n  - {engine: llga, device: cpu, right: false}\n");
  CHECK_THROWS_WITH(ofa::common::read_engine_verdicts(file), ofa::test::contains("needs a 'reason'"));
  ofa::common::write_file_atomic(file, "format: ofa-engine-verdicts/1\nmachine: {}\nengines: []\nextra: 1\n");
  CHECK_THROWS_WITH(ofa::common::read_engine_verdicts(file), ofa::test::contains("extra"));
}
