// The ONNX Runtime engine and --engine auto: choosing by measurement, recording the choice,
// serving each level on its engine; golden cases through ONNX Runtime where it is built.
#include <filesystem>

#include "ofa/common/files.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/lut_measurement_file.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/runtime/adaptive/adaptive_network.hpp"
#include "ofa/runtime/adaptive/library_levels.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/inference_optimization.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"
#include "ofa/runtime/measure/fastest_engine.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"
#include "engine_refusal.hpp"

using namespace ofa::runtime;
using ofa::test::data_dir;
using ofa::test::shell;
using ofa::test::TempDir;
using ofa::test::tool;
namespace fs = std::filesystem;

namespace {

using ofa::test::q;

// A RoundsResult as rounds over `medians.size()` items whose every round gives that median.
RoundsResult scripted(const std::vector<double>& medians) {
  RoundsResult r;
  for (double m : medians) {
    ofa::common::TimingStats s;
    s.count = 3;
    s.mean_ms = s.median_ms = s.p10_ms = s.p90_ms = m;
    r.stats.push_back(s);
    r.round_medians.push_back({m, m, m});
  }
  return r;
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("auto keeps, per network, the faster of the engines timed in the same rounds", "[engine][auto]") {
  const std::vector<EngineKind> two{EngineKind::Optimized, EngineKind::OnnxRuntime};
  // Network 0: onnxruntime faster; network 1: optimized faster; network 2: a tie goes to optimized.
  const auto t = keep_fastest(scripted({5.0, 3.0, 2.0, 4.0, 7.0, 7.0}), two);
  REQUIRE(t.size() == 3);
  CHECK(t[0].engine == EngineKind::OnnxRuntime);
  CHECK(t[0].stats.median_ms == 3.0);
  CHECK(t[0].medians_ms == std::vector<double>{5.0, 3.0});
  CHECK(t[1].engine == EngineKind::Optimized);
  CHECK(t[1].stats.median_ms == 2.0);
  CHECK(t[2].engine == EngineKind::Optimized);
  CHECK_THAT(describe_engine_choices(t, two), ofa::test::contains("onnxruntime x1 (0.60-0.60 of optimized)"));
  CHECK_THAT(describe_engine_choices(t, two), ofa::test::contains("optimized x2"));
  // A table's engine: the geometric mean over networks (optimized 4, 2; onnxruntime 3, 4).
  const TableEngine table = table_engine(scripted({4.0, 3.0, 2.0, 4.0}), two);
  CHECK(table.engine == EngineKind::Optimized);
  CHECK(table.geomean_ms[0] == Approx(std::sqrt(8.0)));
  CHECK(table.geomean_ms[1] == Approx(std::sqrt(12.0)));
  CHECK_THROWS_WITH(keep_fastest(scripted({1.0, 2.0, 3.0}), two), ofa::test::contains("not networks x 2 engines"));
}

TEST_CASE("engine auto means this build's contenders, and onnxruntime where it is not built is one line", "[engine][auto]") {
  const EngineChoice a = parse_engine_choice("auto");
  CHECK(a.automatic);
  if (EngineVerdicts::registry().verdict(EngineKind::Optimized).right) CHECK(engine_name(a.engines().front()) == std::string("optimized"));
  const std::size_t contenders = 1 + (onnxruntime_available() ? 1 : 0) + (llga_available() ? 1 : 0);
  CHECK(auto_candidates().size() == contenders);
  // Those that passed their check here (engine_verdicts.hpp): on most machines, all of them.
  CHECK((a.engines() == auto_engines()));
  CHECK(a.engines().size() + a.left_out.size() == contenders);
  CHECK(a.recorded_name() == (a.engines().size() > 1 ? std::string("auto") : std::string(engine_name(a.engines().front()))));
  if (!llga_available()) CHECK_THROWS_WITH(parse_engine("llga"), ofa::test::contains("has no oneDNN Graph fusion"));
  CHECK(parse_engine_choice("eager").recorded_name() == "eager");
  CHECK_THROWS_WITH(parse_ort_provider("gpu"), ofa::test::contains("--ort-provider 'gpu' is not cpu, cuda or tensorrt"));
  if (!onnxruntime_available()) {
    CHECK_THROWS_WITH(parse_engine("onnxruntime"), ofa::test::contains("libonnxruntime-dev"));
    const auto r = shell(tool("ofa-runtime") + " infer --arch " + q(ofa::test::source_dir() / "configs/examples/single-arch.yaml") +
                         " --input x.pt --out y.pt --engine onnxruntime");
    CHECK(r.status == 2);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_THAT(r.output, ofa::test::contains("this build has no ONNX Runtime"));
  } else {
    CHECK(parse_engine("onnxruntime") == EngineKind::OnnxRuntime);
  }
}

TEST_CASE("a level's engine is recorded in auto files, required there and refused elsewhere", "[engine][auto][formats]") {
  TempDir dir("engine-keys");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  ofa::common::LibraryFile lib = g.library;
  lib.engine = "auto";
  for (std::size_t i = 0; i < lib.levels.size(); ++i) lib.levels[i].engine = i % 2 ? "onnxruntime" : "optimized";
  ofa::common::write_file_atomic(dir / "auto.yaml", ofa::common::format_library_yaml(lib));
  const ofa::common::LibraryFile back = ofa::common::read_library(dir / "auto.yaml");
  CHECK(back.engine == "auto");
  for (std::size_t i = 0; i < lib.levels.size(); ++i) CHECK(back.levels[i].engine == lib.levels[i].engine);

  lib.levels[0].engine.clear();
  ofa::common::write_file_atomic(dir / "missing.yaml", ofa::common::format_library_yaml(lib));
  CHECK_THROWS_WITH(ofa::common::read_library(dir / "missing.yaml"), ofa::test::contains("levels[0]: missing key 'engine'"));
  lib.engine = "optimized";
  lib.levels[0].engine = "optimized";
  ofa::common::write_file_atomic(dir / "stray.yaml", ofa::common::format_library_yaml(lib));
  CHECK_THROWS_WITH(ofa::common::read_library(dir / "stray.yaml"), ofa::test::contains("only for files whose engine is auto"));
  lib.engine = "auto";
  lib.levels[0].engine = "tensorrt";
  for (std::size_t i = 1; i < lib.levels.size(); ++i) lib.levels[i].engine = "optimized";
  ofa::common::write_file_atomic(dir / "bad.yaml", ofa::common::format_library_yaml(lib));
  CHECK_THROWS_WITH(ofa::common::read_library(dir / "bad.yaml"), ofa::test::contains("key 'engine' = 'tensorrt'"));
}

TEST_CASE("each level runs on the engine it was measured on, another one only by --engine", "[engine][auto][runtime]") {
  TempDir dir("engine-levels");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  ofa::common::LibraryFile lib = g.library;
  lib.engine = "auto";
  lib.levels[0].engine = "eager";
  for (std::size_t i = 1; i < lib.levels.size(); ++i) lib.levels[i].engine = onnxruntime_available() ? "onnxruntime" : "optimized";
  ofa::common::write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(lib));
  AdaptiveOptions o;
  o.engine = std::nullopt;  // as the library says
  o.warmup = 1;
  o.policy.target_ms = 50;
  const AdaptiveNetwork net = AdaptiveNetwork::load(dir / "library.yaml", std::nullopt, o);
  CHECK(net.engine(0).kind() == EngineKind::Eager);
  for (std::size_t i = 1; i < net.levels(); ++i) CHECK(engine_name(net.engine(i).kind()) == lib.levels[i].engine);
  // Each level, on its own engine, still computes OFA's logits.
  const auto& cases = ofa::test::golden_cases();
  for (std::size_t i = 0; i < net.levels(); ++i) {
    const auto& c = cases.at(g.names[i]);
    CHECK(max_abs_diff(net.engine(i).forward(c.input), c.logits) < 1e-4);
  }

  // A level measured on ONNX Runtime, in a build without it: refused (one line, exit 2)
  // unless --engine names one this build has.
  if (!onnxruntime_available()) {
    lib.levels[1].engine = "onnxruntime";
    ofa::common::write_file_atomic(dir / "ort.yaml", ofa::common::format_library_yaml(lib));
    const std::string run = tool("ofa-runtime") + " run --library " + q(dir / "ort.yaml") + " --latency-target 50 --duration 0.3 --warmup 1";
    const auto refused = shell(run);
    CHECK(refused.status == 2);
    CHECK(std::count(refused.output.begin(), refused.output.end(), '\n') == 1);
    CHECK_THAT(refused.output, ofa::test::contains("level 1 was measured on the onnxruntime engine"));
    CHECK_THAT(refused.output, ofa::test::contains("--engine optimized"));
    const auto served = shell(run + " --engine optimized");
    INFO(served.output);
    CHECK(served.status == 0);
    CHECK_THAT(served.output, ofa::test::contains("2 of 4 levels were measured on another engine (level 0: eager) and run on the optimized one"));
  }
}

TEST_CASE("an ONNX Runtime provider off the device, and a resumed table on another engine, are one line", "[engine][auto][errors][cli]") {
  TempDir dir("engine-refusals");
  // A GPU provider with a CPU device: refused before anything is measured.
  const auto gpu = shell(tool("ofa-measure") + " lut --out " + q(dir / "lut1") + " --resolutions 160 --ort-provider tensorrt");
  CHECK(gpu.status == 2);
  CHECK(std::count(gpu.output.begin(), gpu.output.end(), '\n') == 1);
  CHECK_THAT(gpu.output, ofa::test::contains("--ort-provider tensorrt runs ONNX Runtime on a GPU, and --device is cpu"));
  CHECK_FALSE(fs::exists(dir / "lut1"));
  CHECK_THROWS_WITH(check_engine_device(EngineKind::OnnxRuntime, torch::Device("cuda:1"), OrtProvider::Cpu),
                    ofa::test::contains("does not run on --device cuda:1"));
  CHECK_THROWS_WITH(check_engine_device(EngineKind::Llga, torch::Device("cuda"), OrtProvider::Cpu), ofa::test::contains("runs on the CPU"));
  const std::vector<EngineKind> on_gpu = auto_candidates(torch::Device("cuda"), OrtProvider::Cpu);
  REQUIRE(on_gpu.size() == 1);
  CHECK(on_gpu.front() == EngineKind::Optimized);

  // Tables started on one engine are resumed on it: another --engine is refused, naming both.
  fs::create_directories(dir / "lut2");
  ofa::common::write_file_atomic(dir / "lut2/measurement.yaml", ofa::common::format_lut_measurement_yaml({3, 5, "eager", {}}));
  const auto other = shell(tool("ofa-measure") + " lut --out " + q(dir / "lut2") + " --resolutions 160 --resume --engine optimized");
  CHECK(other.status == 2);
  CHECK(std::count(other.output.begin(), other.output.end(), '\n') == 1);
  CHECK_THAT(other.output, ofa::test::contains("started on the eager engine, --engine optimized now"));
  CHECK_FALSE(fs::exists(dir / "lut2/160_lookup_table.json"));
  CHECK(ofa::common::read_lut_measurement(dir / "lut2/measurement.yaml").engine == "eager");
  // A record whose engine is empty or unknown names the file and key, not a flag.
  for (const std::string bad : {"\"\"", "auto", "Optimized"}) {
    INFO(bad);
    std::string text = ofa::common::format_lut_measurement_yaml({3, 5, "eager", {}});
    text.replace(text.find("engine: eager"), 13, "engine: " + bad);
    ofa::common::write_file_atomic(dir / "lut2/measurement.yaml", text);
    const auto r = shell(tool("ofa-measure") + " lut --out " + q(dir / "lut2") + " --resolutions 160 --resume");
    CHECK(r.status == 2);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_THAT(r.output, ofa::test::contains("measurement.yaml: key 'engine'"));
    CHECK_FALSE(fs::exists(dir / "lut2/160_lookup_table.json"));
  }

  // run: --ort-provider off the device is refused too, before anything is built.
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  ofa::common::write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  const auto run = shell(tool("ofa-runtime") + " run --library " + q(dir / "library.yaml") + " --latency-target 50 --duration 0.3 --ort-provider cuda");
  CHECK(run.status == 2);
  CHECK(std::count(run.output.begin(), run.output.end(), '\n') == 1);
  CHECK_THAT(run.output, ofa::test::contains("--ort-provider cuda runs ONNX Runtime on a GPU"));
}

TEST_CASE("the ONNX Runtime provider a library was measured with is recorded and read back", "[engine][formats]") {
  TempDir dir("provider-key");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  ofa::common::LibraryFile lib = g.library;
  lib.engine = "onnxruntime";
  lib.device = "cuda:0";
  lib.ort_provider = "tensorrt";
  ofa::common::write_file_atomic(dir / "trt.yaml", ofa::common::format_library_yaml(lib));
  CHECK(ofa::common::read_library(dir / "trt.yaml").ort_provider == "tensorrt");
  lib.ort_provider = "cpu";  // the default is not written
  lib.device = "cpu";
  const std::string text = ofa::common::format_library_yaml(lib);
  CHECK(text.find("ort_provider") == std::string::npos);
  ofa::common::write_file_atomic(dir / "bad.yaml", text + "ort_provider: gpu\n");
  CHECK_THROWS_WITH(ofa::common::read_library(dir / "bad.yaml"), ofa::test::contains("key 'ort_provider' = 'gpu'"));
  // A GPU provider in a library measured on the CPU cannot be.
  ofa::common::write_file_atomic(dir / "cpu.yaml", text + "ort_provider: cuda\n");
  CHECK_THROWS_WITH(ofa::common::read_library(dir / "cpu.yaml"), ofa::test::contains("key 'ort_provider' = 'cuda' runs on a GPU, and key 'device' is 'cpu'"));
}

TEST_CASE("latency --library --engine auto times every contender and records each level's engine", "[engine][auto][cli]") {
  TempDir dir("auto-library");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  ofa::common::write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  const auto r = shell(tool("ofa-measure") + " latency --library " + q(dir / "library.yaml") +
                       " --engine auto --rounds 2 --repeats 4 --warmup 1 --threads 1 --quiet --out " + q(dir / "timed.yaml"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const ofa::common::LibraryFile out = ofa::common::read_library(dir / "timed.yaml");
  if (auto_engines().size() == 1) {
    // One contender: recorded by name, no per-level keys.
    CHECK(out.engine == "optimized");
    for (const auto& l : out.levels) CHECK(l.engine.empty());
    return;
  }
  CHECK(out.engine == "auto");
  CHECK_THAT(r.output, ofa::test::contains("engines:"));
  if (onnxruntime_available()) CHECK_THAT(out.libtorch, ofa::test::contains("onnxruntime " + onnxruntime_version()));
  for (const auto& l : out.levels) CHECK((l.engine == "optimized" || l.engine == "onnxruntime" || l.engine == "llga"));
  // The runtime serves each level on the engine recorded for it.
  AdaptiveOptions o;
  o.engine = std::nullopt;
  o.warmup = 1;
  o.policy.target_ms = 50;
  const AdaptiveNetwork net = AdaptiveNetwork::load(dir / "timed.yaml", std::nullopt, o);
  for (std::size_t i = 0; i < net.levels(); ++i) CHECK(engine_name(net.engine(i).kind()) == out.levels[i].engine);
}

TEST_CASE("every golden case through the llga engine reproduces OFA's logits within 1e-4 (LibTorch 2)", "[engine][llga][golden]") {
  if (!llga_available()) return;  // LibTorch 1.13: refused, tested above
  if (!ofa::test::engine_right_here(EngineKind::Llga)) return;
  const auto archs = read_archs(data_dir() / "golden/cases_public.yaml", ofa::test::w12());
  const auto& cases = ofa::test::golden_cases();
  EngineCache cache;
  for (const auto& a : archs) {
    INFO(a.name);
    const auto& entry = cases.at(a.name);
    const Supernet s = ofa::test::golden_supernet().with_bn_overrides(entry.bn, a.name);
    const Engine engine(Subnet::from_supernet(ofa::test::w12(), a.arch, s), EngineKind::Llga, &cache);
    CHECK(engine.modules() == 2);
    // Fused on the first calls by the profiling executor: the fused graph is what is checked.
    for (int k = 0; k < 4; ++k) {
      const torch::Tensor logits = engine.forward(entry.input);
      REQUIRE(logits.sizes() == entry.logits.sizes());
      CHECK(max_abs_diff(logits, entry.logits) < 1e-4);
    }
  }
}

#ifdef OFA_WITH_ONNXRUNTIME

TEST_CASE("every golden case through the ONNX Runtime engine reproduces OFA's logits within 1e-4", "[engine][onnxruntime][golden]") {
  if (!ofa::test::engine_right_here(EngineKind::OnnxRuntime)) return;
  const auto archs = read_archs(data_dir() / "golden/cases_public.yaml", ofa::test::w12());
  const auto& cases = ofa::test::golden_cases();
  REQUIRE(archs.size() == cases.size());
  for (const auto& a : archs) {
    INFO(a.name);
    const auto& entry = cases.at(a.name);
    const Supernet s = ofa::test::golden_supernet().with_bn_overrides(entry.bn, a.name);
    const Engine engine(Subnet::from_supernet(ofa::test::w12(), a.arch, s), EngineKind::OnnxRuntime);
    CHECK(engine.modules() == 1);
    for (int k = 0; k < 2; ++k) {
      const torch::Tensor logits = engine.forward(entry.input);  // the case's whole batch: any batch
      REQUIRE(logits.sizes() == entry.logits.sizes());
      CHECK(max_abs_diff(logits, entry.logits) < 1e-4);
    }
    // One image at a time too (the runtime's batch).
    CHECK(max_abs_diff(engine.forward(entry.input.narrow(0, 0, 1)), entry.logits.narrow(0, 0, 1)) < 1e-4);
  }
}

TEST_CASE("the exported .onnx file, loaded back into ONNX Runtime, computes OFA's logits", "[engine][onnxruntime][export][golden]") {
  TempDir dir("ort-export");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  ofa::common::write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  const auto r = shell(tool("ofa-runtime") + " export --library " + q(dir / "library.yaml") + " --out " + q(dir / "out") + " --format onnx --batch 2");
  INFO(r.output);
  REQUIRE(r.status == 0);
  for (std::size_t i = 0; i < g.names.size(); ++i) {
    INFO(g.names[i]);
    const fs::path file = dir / "out" / ("level_" + std::to_string(i) + ".onnx");
    const OrtSession session(ofa::common::read_file(file), 1, OrtProvider::Cpu, file.string());
    CHECK(session.input_shape() == std::vector<std::int64_t>{2, 3, g.library.levels[i].arch.r, g.library.levels[i].arch.r});
    const auto& c = ofa::test::golden_cases().at(g.names[i]);
    CHECK(max_abs_diff(session.run(c.input.narrow(0, 0, 2)), c.logits.narrow(0, 0, 2)) < 1e-4);
    // The declared batch is checked, not broadcast.
    CHECK_THROWS_WITH(session.run(c.input.narrow(0, 0, 1)), ofa::test::contains("does not match the model's input"));
  }
}

TEST_CASE("single layers through ONNX Runtime equal the eager layer (per-layer tables)", "[engine][onnxruntime]") {
  const auto a = read_archs(ofa::test::source_dir() / "configs/examples/dynamic-ofa-levels.yaml", ofa::test::w12()).front();
  const auto layers = ofa::common::enumerate_layers(ofa::test::w12(), a.arch);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    INFO("layer " << i);
    const auto& l = layers[i];
    const Subnet one = single_layer(l, i + 1);
    const torch::Tensor x = l.kind == ofa::common::LayerKind::Classifier ? torch::randn({2, l.in_c}) : torch::randn({2, l.in_c, l.in_hw, l.in_hw});
    const Engine eager(one, EngineKind::Eager), ort(one, EngineKind::OnnxRuntime);
    const torch::Tensor want = eager.forward(x), got = ort.forward(x);
    REQUIRE(got.numel() == want.numel());
    CHECK(max_abs_diff(got.reshape(want.sizes()), want) < 1e-4);
  }
}

TEST_CASE("an ONNX Runtime provider this build lacks is one line naming it", "[engine][onnxruntime][errors]") {
  // Debian's ONNX Runtime is CPU only.
  CHECK_NOTHROW(check_ort_provider(OrtProvider::Cpu));
  CHECK_THROWS_WITH(check_ort_provider(OrtProvider::Cuda), ofa::test::contains("--ort-provider cuda: this ONNX Runtime"));
  CHECK_THROWS_WITH(check_ort_provider(OrtProvider::TensorRt), ofa::test::contains("has no TensorrtExecutionProvider"));
  const auto a = read_archs(ofa::test::source_dir() / "configs/examples/dynamic-ofa-levels.yaml", ofa::test::w12()).front();
  CHECK_THROWS_WITH(Engine(Subnet::random(ofa::test::w12(), a.arch, 1), EngineKind::OnnxRuntime, nullptr, OrtProvider::Cuda),
                    ofa::test::contains("does not run on --device cpu"));
}

#endif
