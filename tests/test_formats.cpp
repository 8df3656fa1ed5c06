// Round trips of the formats common/ writes for the measuring commands, and the setup the
// measured file and the library share.
#include "catch.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/lut_measurement_file.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/common/model_networks_file.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/search/random.hpp"
#include "ofa/search/sampling.hpp"
#include "test_support.hpp"

using namespace ofa::common;
using ofa::test::TempDir;

TEST_CASE("measurement.yaml round-trips and refuses unknown keys", "[formats]") {
  TempDir dir("lutmeas");
  LutMeasurement m{5, 10, "onnxruntime", {{160, {0.981, 3.25, 120}}, {224, {0.5, 12.5, 7}}}};
  write_file_atomic(dir / "measurement.yaml", format_lut_measurement_yaml(m));
  const LutMeasurement back = read_lut_measurement(dir / "measurement.yaml");
  CHECK(back.rounds == 5);
  CHECK(back.calls_per_round == 10);
  CHECK(back.engine == "onnxruntime");
  REQUIRE(back.noise.size() == 2);
  CHECK(back.noise.at(160).spearman == Approx(0.981));
  CHECK(back.noise.at(160).mape == Approx(3.25));
  CHECK(back.noise.at(224).layers == 7);
  write_file_atomic(dir / "bad.yaml", format_lut_measurement_yaml(m) + "extra: 1\n");
  CHECK_THROWS_WITH(read_lut_measurement(dir / "bad.yaml"), ofa::test::contains("extra"));
}

TEST_CASE("networks.yaml round-trips and checks each architecture against the space", "[formats]") {
  TempDir dir("modelnets");
  const SearchSpace space = search_space("ofa-mbv3-w1.2");
  ofa::search::Rng rng(7);
  ModelNetworks f{space.name, {}};
  for (int i = 0; i < 4; ++i) f.networks.push_back({i % 3 == 1, 10.5 + i, 10.25 + i, 11.0 + i, ofa::search::random_arch(space, rng)});
  write_file_atomic(dir / "networks.yaml", format_model_networks_yaml(f));
  const ModelNetworks back = read_model_networks(dir / "networks.yaml", space);
  REQUIRE(back.networks.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(back.networks[i].heldout == f.networks[i].heldout);
    CHECK(back.networks[i].measured_ms == Approx(f.networks[i].measured_ms));
    CHECK(back.networks[i].model_ms == Approx(f.networks[i].model_ms));
    CHECK(back.networks[i].table_ms == Approx(f.networks[i].table_ms));
    CHECK(back.networks[i].arch == f.networks[i].arch);
  }
  CHECK_THROWS_WITH(read_model_networks(dir / "networks.yaml", search_space("ofa-mbv3-w1.0")), ofa::test::contains("is not ofa-mbv3-w1.0"));
}

TEST_CASE("the measurement setup is one type: written alike and copied whole into a library", "[formats]") {
  MeasuredFile m;
  m.space = "ofa-mbv3-w1.2";
  m.profile_name = "p";
  m.device = "cpu";
  m.engine = "optimized";
  m.allow_tf32 = false;
  m.machine = "host";
  m.libtorch = "2.6.0";
  m.threads = 2;
  m.batch = 4;
  m.weights = "random";
  LibraryFile lib;
  static_cast<MeasurementSetup&>(lib) = m;
  const std::string a = format_setup_yaml(m), b = format_setup_yaml(lib);
  CHECK(a == b);
  CHECK_THAT(format_measured_yaml(m), ofa::test::contains(a));
  CHECK_THAT(a, ofa::test::contains("threads: 2\nbatch: 4\nweights: \"random\"\n"));
}
