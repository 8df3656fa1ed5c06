// Bundles: `ofa-runtime export`'s folder served on its own (AdaptiveNetwork::load_bundle, run --bundle).
#include <algorithm>
#include <fstream>

#include "ofa/common/error.hpp"
#include "ofa/common/export_file.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/sha256.hpp"
#include "ofa/runtime/adaptive/adaptive_network.hpp"
#include "ofa/runtime/adaptive/bundle.hpp"
#include "ofa/runtime/adaptive/library_levels.hpp"
#include "ofa/runtime/engine/onnx_subnet.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"
#include "runtime/commands/export_command.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::runtime;
using ofa::test::q;
using ofa::test::shell;
using ofa::test::TempDir;
using ofa::test::tool;
namespace fs = std::filesystem;

namespace {

// The golden cases as a library measured on `engine`, exported into dir/bundle.
ofa::test::GoldenLibrary exported_golden(const TempDir& dir, const std::string& engine, const std::string& format = "auto") {
  ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  g.library.engine = engine;
  g.library.threads = 1;
  write_file_atomic(dir / "library.yaml", format_library_yaml(g.library));
  ExportOptions o;
  o.library = dir / "library.yaml";
  o.out_dir = dir / "bundle";
  o.format = format;
  run_export(o);
  return g;
}

// What `ofa-runtime infer` computes for level i: the eager subnet of the supernet with the level's BN file.
torch::Tensor reference_logits(const ofa::test::GoldenLibrary& g, const TempDir& dir, std::size_t i, const torch::Tensor& x) {
  WeightSlicer slicer(WeightSlicer::Mode::Copy);
  const Subnet net = level_subnet(g.library, i, dir.path(), ofa::test::golden_supernet(), slicer);
  torch::NoGradGuard no_grad;
  return net.forward(x);
}

double max_error(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("each level of a bundle, pinned, computes what infer computes for its architecture and BN file", "[bundle][golden]") {
  TempDir dir("bundle-levels");
  const ofa::test::GoldenLibrary g = exported_golden(dir, "optimized");
  const ExportManifest m = read_export(dir / "bundle/export.yaml");
  CHECK(m.setup.engine == "optimized");
  CHECK(m.setup.threads == 1);
  AdaptiveOptions o;
  o.warmup = 1;
  AdaptiveNetwork net = AdaptiveNetwork::load_bundle(dir / "bundle", o);
  REQUIRE(net.levels() == g.library.levels.size());
  for (std::size_t i = 0; i < net.levels(); ++i) {
    INFO("level " << i);
    CHECK(m.levels[i].model_format == "torchscript");
    CHECK(net.engine(i).kind() == EngineKind::Optimized);
    net.pin_level(static_cast<int>(i));
    const torch::Tensor x = ofa::test::golden_cases().at(g.names[i]).input;
    const torch::Tensor logits = net.infer(x);
    CHECK(net.last_frame().level == static_cast<int>(i));
    CHECK(max_error(logits, reference_logits(g, dir, i, x)) < 1e-4);
    // And OFA's own logits for the case.
    CHECK(max_error(logits, ofa::test::golden_cases().at(g.names[i]).logits) < 1e-4);
  }
  // Levels cut from one supernet share one head, as the library's levels do.
  AdaptiveNetwork from_library = AdaptiveNetwork::load(dir / "library.yaml", std::nullopt, o);
  CHECK(net.weight_bytes() == from_library.weight_bytes());
}

TEST_CASE("a bundle moved to another folder serves the same logits, and its levels' files are all it needs", "[bundle]") {
  TempDir dir("bundle-moved");
  const ofa::test::GoldenLibrary g = exported_golden(dir, "optimized");
  AdaptiveOptions o;
  o.warmup = 0;
  o.engine = EngineKind::Eager;  // the saved modules as they are
  AdaptiveNetwork here = AdaptiveNetwork::load_bundle(dir / "bundle", o);
  fs::create_directories(dir / "elsewhere/deeper");
  fs::rename(dir / "bundle", dir / "elsewhere/deeper/moved");
  // Nothing the bundle came from is there any more: the supernet is another file, the BN files go.
  for (const auto& l : g.library.levels) fs::remove(dir / l.bn);
  fs::remove(dir / "library.yaml");
  AdaptiveNetwork moved = AdaptiveNetwork::load_bundle(dir / "elsewhere/deeper/moved", o);
  const torch::Tensor x = torch::randn({2, 3, 200, 200});
  for (int i = 0; i < static_cast<int>(moved.levels()); ++i) {
    here.pin_level(i);
    moved.pin_level(i);
    CHECK(torch::equal(here.infer(x), moved.infer(x)));  // resized to the level's resolution on the way
  }
}

TEST_CASE("a bundle's damaged parts are refused naming the file: missing, truncated, swapped, foreign", "[bundle][errors]") {
  TempDir dir("bundle-damaged");
  exported_golden(dir, "optimized");
  const fs::path b = dir / "bundle";
  auto load = [](const fs::path& p) { return AdaptiveNetwork::load_bundle(p, AdaptiveOptions{}); };
  CHECK_THROWS_WITH(load(dir / "nowhere"), ofa::test::contains("not a folder"));
  fs::create_directories(dir / "empty");
  CHECK_THROWS_WITH(load(dir / "empty"), ofa::test::contains("no export.yaml"));
  const std::string level1 = read_file(b / "level_1.pt");
  SECTION("truncated") {
    write_file_atomic(b / "level_1.pt", level1.substr(0, level1.size() / 2));
    CHECK_THROWS_WITH(load(b), ofa::test::contains("level 1 (level_1.pt)") && ofa::test::contains("truncated"));
  }
  SECTION("missing") {
    fs::remove(b / "level_1.pt");
    CHECK_THROWS_WITH(load(b), ofa::test::contains("level_1.pt") && ofa::test::contains("missing"));
  }
  SECTION("swapped with another level's file") {
    const std::string level0 = read_file(b / "level_0.pt");
    write_file_atomic(b / "level_0.pt", level1);
    write_file_atomic(b / "level_1.pt", level0);
    CHECK_THROWS_WITH(load(b), ofa::test::contains("level 0 (level_0.pt)"));
  }
  SECTION("another level's file with a manifest edited to match its bytes") {
    ExportManifest m = read_export(b / "export.yaml");
    const std::string level0 = read_file(b / "level_0.pt");
    write_file_atomic(b / "level_1.pt", level0);
    m.levels[1].bytes = static_cast<std::int64_t>(level0.size());
    m.levels[1].sha256 = sha256_hex(level0);
    write_file_atomic(b / "export.yaml", format_export_yaml(m));
    CHECK_THROWS_WITH(load(b), ofa::test::contains("level 1 (level_1.pt)") && ofa::test::contains("holds"));
  }
  SECTION("a file that is not a level module") {
    ExportManifest m = read_export(b / "export.yaml");
    const std::string junk = "not a zip archive at all";
    write_file_atomic(b / "level_2.pt", junk);
    m.levels[2].bytes = static_cast<std::int64_t>(junk.size());
    m.levels[2].sha256 = sha256_hex(junk);
    write_file_atomic(b / "export.yaml", format_export_yaml(m));
    CHECK_THROWS_WITH(load(b), ofa::test::contains("level 2 (level_2.pt)"));
  }
  SECTION("a manifest of the format before bundles") {
    write_file_atomic(b / "export.yaml", "format: ofa-export/2\nmodel_format: torchscript\n");
    CHECK_THROWS_WITH(load(b), ofa::test::contains("export the library again"));
  }
  SECTION("a level file outside the folder") {
    std::string text = read_file(b / "export.yaml");
    text.replace(text.find("file: \"level_0.pt\""), std::string("file: \"level_0.pt\"").size(), "file: \"../level_0.pt\"");
    write_file_atomic(b / "export.yaml", text);
    CHECK_THROWS_WITH(load(b), ofa::test::contains("levels[0]") && ofa::test::contains("inside the bundle"));
  }
}

TEST_CASE("run --bundle serves a bundle as --library serves its library: the flags exclude each other", "[bundle][run]") {
  TempDir dir("bundle-run");
  exported_golden(dir, "optimized");
  const std::string common = " --latency-target 1000 --duration 0.3 --warmup 0 --threads 1";
  const auto lib = shell(tool("ofa-runtime") + " run --library " + q(dir / "library.yaml") + common + " --summary-json " + q(dir / "lib.json"));
  const auto bun = shell(tool("ofa-runtime") + " run --bundle " + q(dir / "bundle") + common + " --summary-json " + q(dir / "bundle.json"));
  REQUIRE(lib.status == 0);
  REQUIRE(bun.status == 0);
  // The same levels on the same engine; the target holds the top level in both.
  CHECK_THAT(bun.output, ofa::test::contains("engine optimized"));
  const YAML::Node a = YAML::LoadFile((dir / "lib.json").string()), b = YAML::LoadFile((dir / "bundle.json").string());
  const int n = static_cast<int>(read_export(dir / "bundle/export.yaml").levels.size());
  CHECK(a["levels"].as<int>() == n);
  CHECK(b["levels"].as<int>() == n);
  CHECK(b["frames_per_level"][n - 1].as<int>() > 0);
  const auto both = shell(tool("ofa-runtime") + " run --library " + q(dir / "library.yaml") + " --bundle " + q(dir / "bundle") + common);
  CHECK(both.status == 2);
  CHECK_THAT(both.output, ofa::test::contains("--library") && ofa::test::contains("--bundle"));
  const auto none = shell(tool("ofa-runtime") + " run" + common);
  CHECK(none.status == 2);
  CHECK_THAT(none.output, ofa::test::contains("--library") && ofa::test::contains("--bundle"));
  // An output may not overwrite a level of the bundle.
  const auto over = shell(tool("ofa-runtime") + " run --bundle " + q(dir / "bundle") + common + " --trace " + q(dir / "bundle/level_0.pt"));
  CHECK(over.status == 2);
  CHECK(read_export(dir / "bundle/export.yaml").levels.size() == static_cast<std::size_t>(n));
}

TEST_CASE("a level pinned, then unpinned, hands the choice back to the policy: targets and floors are checked", "[bundle][policy]") {
  TempDir dir("bundle-pin");
  exported_golden(dir, "optimized");
  AdaptiveOptions o;
  o.warmup = 0;
  o.policy.target_ms = 1e6;  // every level meets it: the policy serves the top one
  AdaptiveNetwork net = AdaptiveNetwork::load_bundle(dir / "bundle", o);
  const int top = static_cast<int>(net.levels()) - 1;
  CHECK(net.level() == top);
  net.pin_level(0);
  const torch::Tensor x = torch::randn({1, 3, 160, 160});
  net.infer(x);
  CHECK(net.last_frame().level == 0);
  CHECK(net.last_frame().switched);
  net.infer(x);
  CHECK_FALSE(net.last_frame().switched);
  net.pin_level(std::nullopt);
  CHECK(net.level() == top);
  CHECK_THROWS_WITH(net.pin_level(top + 1), ofa::test::contains("not in [0, " + std::to_string(top) + "]"));
  CHECK_THROWS_WITH(net.set_latency_target(std::nan("")), ofa::test::contains("finite"));
  CHECK_THROWS_WITH(net.set_latency_target(-1), ofa::test::contains("> 0"));
  net.set_latency_target(1e-6);  // no level meets it: the fastest one
  net.infer(x);
  CHECK(net.level() == 0);
}

TEST_CASE("export writes each level in its engine's format: an ONNX level is served on ONNX Runtime with infer's logits", "[bundle][onnx]") {
  // Where the build has no ONNX Runtime (Debian 12), auto exports every level as TorchScript:
  // the test then only checks that, and the Debian 13 lane runs the rest.
  const bool ort = onnx_export_available() && onnxruntime_available();
  TempDir dir("bundle-onnx");
  ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  g.library.engine = "auto";
  for (std::size_t i = 0; i < g.library.levels.size(); ++i) g.library.levels[i].engine = i % 2 ? "onnxruntime" : "optimized";
  write_file_atomic(dir / "library.yaml", format_library_yaml(g.library));
  ExportOptions eo;
  eo.library = dir / "library.yaml";
  eo.out_dir = dir / "bundle";
  if (!onnx_export_available()) {
    CHECK_THROWS_WITH(run_export(eo), ofa::test::contains("level 1") && ofa::test::contains("no ONNX"));
    CHECK_FALSE(fs::exists(dir / "bundle"));
    return;
  }
  run_export(eo);
  if (!ort) {  // the bundle is right; this build cannot serve its ONNX levels, and says which
    CHECK_THROWS_WITH(AdaptiveNetwork::load_bundle(dir / "bundle"), ofa::test::contains("level 1 (level_1.onnx)") && ofa::test::contains("ONNX Runtime"));
    return;
  }
  const ExportManifest m = read_export(dir / "bundle/export.yaml");
  AdaptiveOptions o;
  o.warmup = 0;
  AdaptiveNetwork net = AdaptiveNetwork::load_bundle(dir / "bundle", o);
  for (std::size_t i = 0; i < m.levels.size(); ++i) {
    INFO("level " << i);
    CHECK(m.levels[i].model_format == (i % 2 ? "onnx" : "torchscript"));
    CHECK(fs::path(m.levels[i].file).extension() == (i % 2 ? ".onnx" : ".pt"));
    CHECK(net.engine(i).kind() == (i % 2 ? EngineKind::OnnxRuntime : EngineKind::Optimized));
    net.pin_level(static_cast<int>(i));
    const torch::Tensor x = torch::cat({ofa::test::golden_cases().at(g.names[i]).input, ofa::test::golden_cases().at(g.names[i]).input});
    CHECK(max_error(net.infer(x), reference_logits(g, dir, i, x)) < 1e-4);  // any batch
  }
}

TEST_CASE("on a scripted clock a bundle's network switches levels frame for frame as its library's does", "[bundle][policy]") {
  TempDir dir("bundle-scripted");
  exported_golden(dir, "optimized");
  // Every call of the clock advances it by the frame's scripted latency: t1 - t0 is that latency.
  double now = 0, step = 0;
  const Clock clock = [&] {
    const double t = now;
    now += step;
    return t;
  };
  AdaptiveOptions o;
  o.warmup = 0;
  o.policy.target_ms = 25;
  o.policy.up_after_s = 0.2;
  const LibraryFile lib = read_library(dir / "library.yaml");
  AdaptiveNetwork from_library(lib, dir.path(), library_supernet(lib, dir / "library.yaml", std::nullopt, 0), o, clock);
  const Bundle bundle = read_bundle(dir / "bundle");
  AdaptiveNetwork from_bundle(bundle_library(bundle), build_bundle_levels(bundle, std::nullopt, torch::kCPU, OrtProvider::Cpu), o, clock);
  // Quiet, then three times slower for 30 frames, then quiet again.
  std::vector<int> levels[2];
  AdaptiveNetwork* nets[2] = {&from_library, &from_bundle};
  for (int k = 0; k < 2; ++k) {
    now = 0;
    nets[k]->restart_clock();
    for (int frame = 0; frame < 90; ++frame) {
      const double slowdown = frame >= 30 && frame < 60 ? 3.0 : 1.0;
      step = slowdown * lib.levels[static_cast<std::size_t>(nets[k]->level())].latency_median_ms / 1000;
      nets[k]->infer(torch::zeros({1, 3, 64, 64}));
      levels[k].push_back(nets[k]->last_frame().level);
    }
  }
  CHECK(levels[0] == levels[1]);
  // And the script did move the policy: down under the slowdown, back up after it.
  CHECK(*std::min_element(levels[0].begin() + 30, levels[0].begin() + 60) < levels[0][29]);
  CHECK(levels[0].back() > levels[0][59]);
}
