// AdaptiveNetwork: levels built once from one supernet, exact, sharing storage.
#include <fstream>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/runtime/adaptive/adaptive_network.hpp"
#include "ofa/runtime/engine/state_dict.hpp"
#include "ofa/common/library_file.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::runtime;
using ofa::test::data_dir;
using ofa::test::golden_supernet;
using ofa::test::w12;
using ofa::test::TempDir;

using ofa::test::golden_library;
using ofa::test::GoldenLibrary;

namespace {

AdaptiveOptions options(double target) {
  AdaptiveOptions o;
  o.engine = EngineKind::Optimized;
  o.warmup = 1;
  o.policy.target_ms = target;
  return o;
}

}  // namespace

TEST_CASE("every level of an AdaptiveNetwork reproduces the golden logits, BN files included, on both engines", "[adaptive][golden]") {
  const EngineKind kind = GENERATE(EngineKind::Optimized, EngineKind::Eager);
  INFO("engine " << engine_name(kind));
  TempDir dir("adaptive-golden");
  const GoldenLibrary g = golden_library(dir.path());
  AdaptiveOptions o = options(1000);
  o.engine = kind;
  AdaptiveNetwork net(g.library, dir.path(), golden_supernet(), o);
  const auto& cases = ofa::test::golden_cases();
  REQUIRE(net.levels() == g.names.size());
  for (std::size_t i = 0; i < net.levels(); ++i) {
    INFO(g.names[i]);
    const auto& entry = cases.at(g.names[i]);
    const torch::Tensor logits = net.engine(i).forward(entry.input);
    CHECK((logits - entry.logits).abs().max().item<double>() < 1e-4);
  }
  // A generous target: the manager starts at the top level, and infer() serves it.
  REQUIRE(net.level() == static_cast<int>(net.levels()) - 1);
  const auto& top = cases.at(g.names.back());
  const torch::Tensor served = net.infer(top.input);
  CHECK((served - top.logits).abs().max().item<double>() < 1e-4);
  CHECK(net.last_frame().frame == 0);
  // The frame ran at the level current before it; the decision after it may move the level
  // (a loaded machine can exceed even this target), so compare with the level it served.
  CHECK(net.last_frame().level == static_cast<int>(net.levels()) - 1);
  CHECK(net.last_frame().next_level == net.level());
  CHECK(net.last_frame().latency_ms > 0);
}

TEST_CASE("eager levels share the supernet's storage: far less than separate models", "[adaptive][memory]") {
  ofa::common::LibraryFile lib;
  lib.space = "ofa-mbv3-w1.2";
  lib.weights = "random";
  lib.accuracy_source = "predicted";
  const int rs[] = {160, 176, 192, 208, 224, 224};
  for (int i = 0; i < 6; ++i) {
    ofa::common::Level l;
    l.arch.r = rs[i];
    l.arch.ks.fill(i < 3 ? 3 : 5);
    l.arch.e.fill(i < 2 ? 3 : i < 4 ? 4 : 6);
    l.arch.d.fill(i < 2 ? 2 : i < 4 ? 3 : 4);
    if (i == 5) l.arch.ks.fill(7);
    l.accuracy = 0.70 + 0.01 * i;
    l.latency_median_ms = l.latency_p90_ms = 10.0 + i;
    lib.levels.push_back(l);
  }
  const Supernet supernet = Supernet::random(w12(), 3);
  AdaptiveOptions o = options(1000);
  o.engine = EngineKind::Eager;
  AdaptiveNetwork net(lib, ".", supernet, o);
  std::int64_t separate = 0;
  for (const auto& l : lib.levels) separate += Subnet::from_supernet(w12(), l.arch, supernet).weight_bytes();
  std::int64_t supernet_bytes = 0;
  for (const auto& [k, t] : supernet.weights()) supernet_bytes += t.numel() * 4;
  INFO("shared " << net.weight_bytes() << " separate " << separate << " supernet " << supernet_bytes);
  CHECK(net.weight_bytes() < separate / 2);
  // The views cost nothing beyond the supernet; only input-channel slices and shrunk kernels are extra.
  CHECK(net.weight_bytes() < supernet_bytes * 3 / 2);
  // Shared levels compute what separate models compute.
  const torch::Tensor x = torch::randn({1, 3, 192, 192});
  for (std::size_t i = 0; i < net.levels(); ++i) {
    const auto& arch = lib.levels[i].arch;
    const torch::Tensor xi = torch::nn::functional::interpolate(
        x, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{arch.r, arch.r}).mode(torch::kBilinear).align_corners(false));
    const torch::Tensor a = net.engine(i).forward(xi), b = Subnet::from_supernet(w12(), arch, supernet).forward(xi);
    CHECK((a - b).abs().max().item<double>() < 1e-4);
  }
  // infer() resizes a frame of another size to the level's resolution.
  const torch::Tensor y = net.infer(torch::randn({2, 3, 100, 120}));
  CHECK(y.sizes() == torch::IntArrayRef({2, 1000}));
  CHECK_THROWS_WITH(net.infer(torch::randn({3, 100, 100})), ofa::test::contains("expected [N, 3, H, W]"));
}

TEST_CASE("AdaptiveNetwork::load names what is wrong", "[adaptive][errors]") {
  TempDir dir("adaptive-errors");
  GoldenLibrary g = golden_library(dir.path());
  g.library.weights = (dir / "no-such-supernet.pt").string();
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  CHECK_THROWS_WITH(AdaptiveNetwork::load(dir / "library.yaml", std::nullopt, options(100)),
                    ofa::test::contains("key 'weights'") && ofa::test::contains("no-such-supernet.pt"));
  // A relative `weights` is found from the library's folder, whatever the working directory.
  std::filesystem::create_directories(dir / "w");
  std::filesystem::copy_file(data_dir() / "golden/supernet_fp16.pt", dir / "w/s.pt");
  std::filesystem::create_directories(dir / "lib");
  for (const auto& l : g.library.levels) std::filesystem::copy_file(dir / l.bn, dir / "lib" / l.bn);
  g.library.weights = "../w/s.pt";
  write_file_atomic(dir / "lib/library.yaml", ofa::common::format_library_yaml(g.library));
  CHECK_NOTHROW(AdaptiveNetwork::load(dir / "lib/library.yaml", std::nullopt, options(100)));
  g.library.weights = (dir / "no-such-supernet.pt").string();
  // --weights overrides the library's file.
  CHECK_NOTHROW(AdaptiveNetwork::load(dir / "library.yaml", data_dir() / "golden/supernet_fp16.pt", options(100)));
  g.library.levels[1].bn = "missing_bn.pt";
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  CHECK_THROWS_WITH(AdaptiveNetwork::load(dir / "library.yaml", data_dir() / "golden/supernet_fp16.pt", options(100)),
                    ofa::test::contains("missing_bn.pt"));
  CHECK_THROWS_WITH(AdaptiveNetwork::load(dir / "library.yaml", data_dir() / "golden/supernet_fp16.pt", options(-1)),
                    ofa::test::contains("latency target"));
  std::ofstream(dir / "truncated.yaml") << "format: ofa-library/1\nspace: ofa-mbv3-w1.2\nlevels:\n  - {";
  CHECK_THROWS_WITH(AdaptiveNetwork::load(dir / "truncated.yaml", std::nullopt, options(100)), ofa::test::contains("truncated.yaml"));
}
