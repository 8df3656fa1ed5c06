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
#include "ofa/common/export_file.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/predictor_training_record.hpp"
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

TEST_CASE("export.yaml (ofa-export/3) reads back as written: a foreign key, an old format and a bad checksum are named", "[formats][export]") {
  ofa::common::ExportManifest m;
  m.setup.space = "ofa-mbv3-w1.2";
  m.setup.device = "cpu";
  m.setup.engine = "auto";
  m.setup.machine = "test";
  m.setup.libtorch = "1.13";
  m.setup.threads = 2;
  m.setup.weights = "random";
  m.accuracy_source = "measured";
  m.opset = 14;
  m.onnx_batch = 2;
  m.library = "runs/x/library.yaml";
  ofa::common::ExportedLevel l;
  l.file = "level_0.onnx";
  l.model_format = "onnx";
  l.engine = "onnxruntime";
  l.arch.ks.fill(5);
  l.arch.e.fill(4);
  l.arch.d.fill(3);
  l.arch.r = 176;
  l.accuracy = 0.751234568;  // what %.9g keeps
  l.accuracy_source = "measured";
  l.latency_median_ms = 12.25;
  l.latency_p90_ms = 13.5;
  l.bytes = 1234;
  l.sha256 = std::string(64, 'a');
  m.levels = {l};
  ofa::test::TempDir dir("export-file");
  const std::string text = ofa::common::format_export_yaml(m);
  ofa::common::write_file_atomic(dir / "export.yaml", text);
  const ofa::common::ExportManifest back = ofa::common::read_export(dir / "export.yaml");
  CHECK(back.setup.engine == "auto");
  CHECK(back.setup.threads == 2);
  CHECK(back.opset == std::optional<int>(14));
  CHECK(back.onnx_batch == 2);
  CHECK(back.library == m.library);
  CHECK(back.setup.weights == "random");
  REQUIRE(back.levels.size() == 1);
  CHECK(back.levels[0].file == "level_0.onnx");
  CHECK(back.levels[0].engine == "onnxruntime");
  CHECK((back.levels[0].arch == l.arch));
  CHECK(back.levels[0].accuracy == l.accuracy);
  CHECK(back.levels[0].latency_p90_ms == 13.5);
  CHECK(back.levels[0].bytes == 1234);
  CHECK(ofa::common::format_export_yaml(back) == text);
  auto refused = [&](const std::string& bad, const std::string& says) {
    INFO(bad);
    ofa::common::write_file_atomic(dir / "bad.yaml", bad);
    CHECK_THROWS_WITH(ofa::common::read_export(dir / "bad.yaml"), ofa::test::contains(says));
  };
  refused(text + "extra: 1\n", "extra");
  refused("format: ofa-export/2\nmodel_format: onnx\n", "export the library again");
  std::string swapped = text;
  swapped.replace(swapped.find("engine: onnxruntime"), 19, "engine: optimized");
  refused(swapped, "cannot run a onnx file");
  std::string short_hash = text;
  short_hash.replace(short_hash.find(std::string(64, 'a')), 64, "abc");
  refused(short_hash, "sha256");
}

TEST_CASE("a predictor's training record names its space, and a file without one has none", "[formats][train-predictor]") {
  ofa::test::TempDir dir("training-record");
  ofa::common::PredictorTrainingRecord r;
  r.space = "compofa-mbv3-w1.2";
  r.predictor = "p.pt";
  r.layers = {128, 400, 1};
  r.data = {{"m.yaml", "ab", 3}};
  CHECK(ofa::common::training_record_path(dir / "p.pt") == dir / "p.yaml");
  CHECK_FALSE(ofa::common::recorded_space(dir / "p.pt"));
  const std::string text = ofa::common::format_predictor_training_record(r);
  CHECK_THAT(text, ofa::test::starts_with("format: ofa-predictor-training/2\nspace: compofa-mbv3-w1.2\n"));
  CHECK_THAT(text, ofa::test::contains("layers: [128, 400, 1]\n") && ofa::test::contains("  - {file: \"m.yaml\", sha256: ab, samples: 3}\n"));
  ofa::common::write_file_atomic(dir / "p.yaml", text);
  CHECK(ofa::common::recorded_space(dir / "p.pt") == std::optional<std::string>("compofa-mbv3-w1.2"));
}
