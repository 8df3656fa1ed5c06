// The inference engines: BN folding, the scripted subnet, and the optimized engine exact
// against OFA's golden logits.
#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/runtime/engine/batchnorm_folding.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/inference_optimization.hpp"
#include "ofa/runtime/engine/scripted_subnet.hpp"
#include "ofa/runtime/engine/state_dict.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"
#include "engine_refusal.hpp"

using namespace ofa::common;
using namespace ofa::runtime;
using ofa::test::data_dir;
using ofa::test::golden_supernet;
using ofa::test::w12;

namespace {

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("every golden case through the optimized engine reproduces OFA's logits within 1e-4", "[engine][golden]") {
  if (!ofa::test::engine_right_here(EngineKind::Optimized)) return;
  const auto archs = read_archs(data_dir() / "golden/cases_public.yaml", w12());
  const auto& cases = ofa::test::golden_cases();
  REQUIRE(archs.size() == cases.size());
  for (const auto& a : archs) {
    INFO(a.name);
    const auto& entry = cases.at(a.name);
    const Supernet s = golden_supernet().with_bn_overrides(entry.bn, a.name);
    const Engine engine(Subnet::from_supernet(w12(), a.arch, s), EngineKind::Optimized);
    const torch::Tensor expected = entry.logits;
    // Twice: TorchScript's executor optimises the graph on the first calls.
    for (int k = 0; k < 3; ++k) {
      const torch::Tensor logits = engine.forward(entry.input);
      REQUIRE(logits.sizes() == expected.sizes());
      CHECK(max_abs_diff(logits, expected) < 1e-4);
    }
  }
}

TEST_CASE("folding BN into a convolution equals the convolution followed by BN", "[engine][folding]") {
  at::Generator gen = at::detail::createCPUGenerator(7);
  for (const auto& [out, in, k, groups] : {std::tuple{16, 8, 1, 1}, std::tuple{24, 24, 5, 24}, std::tuple{8, 3, 3, 1}}) {
    const torch::Tensor w = torch::randn({out, in / groups, k, k}, gen);
    // Statistics far from the identity, a tiny variance among them.
    BatchNorm bn{torch::randn({out}, gen) * 2, torch::randn({out}, gen), torch::randn({out}, gen) * 3, torch::rand({out}, gen) * 4, ""};
    bn.var[0] = 1e-4;
    const torch::Tensor x = torch::randn({2, in, 9, 9}, gen);
    const torch::Tensor reference = torch::batch_norm(torch::conv2d(x, w, {}, 1, k / 2, 1, groups), bn.weight, bn.bias, bn.mean,
                                                      bn.var, false, 0.0, 1e-5, false);
    const FoldedConv f = fold_batchnorm(w, bn);
    const torch::Tensor folded = torch::conv2d(x, f.weight, f.bias, 1, k / 2, 1, groups);
    INFO("out " << out << " in " << in << " k " << k);
    CHECK(max_abs_diff(folded, reference) < 1e-4 * std::max(1.0, reference.abs().max().item<double>()));
  }
}

TEST_CASE("folding rejects a negative or NaN running variance", "[engine][folding]") {
  const torch::Tensor w = torch::ones({2, 1, 1, 1});
  BatchNorm bn{torch::ones({2}), torch::zeros({2}), torch::zeros({2}), torch::ones({2}), ""};
  bn.var[1] = -1;
  CHECK_THROWS_WITH(fold_batchnorm(w, bn), ofa::test::contains("negative or non-finite"));
  bn.var[1] = std::nan("");
  CHECK_THROWS_WITH(fold_batchnorm(w, bn), ofa::test::contains("negative or non-finite"));
  bn.var = torch::ones({3});
  CHECK_THROWS_WITH(fold_batchnorm(w, bn), ofa::test::contains("shape [3]"));
}

TEST_CASE("the engines agree on random BN statistics, both script forms too, for single layers as well", "[engine]") {
  const auto archs = read_archs(ofa::test::source_dir() / "configs/examples/dynamic-ofa-levels.yaml", w12());
  for (const auto& a : archs) {
    INFO(a.name);
    // Random weights and BN statistics, so folding is exercised away from the identity.
    const Subnet net = Subnet::random(w12(), a.arch, 11);
    const torch::Tensor x = torch::randn({2, 3, a.arch.r, a.arch.r});
    const torch::Tensor eager = Engine(net, EngineKind::Eager).forward(x);
    const double scale = std::max(1.0, eager.abs().max().item<double>());
    // Random weights and BN compound rounding through 20 blocks (logits in the hundreds, other
    // summation orders with 2 threads): relative, 1e-3. The bugs this guards against were off
    // by tens of percent.
    CHECK(max_abs_diff(Engine(net, EngineKind::Optimized).forward(x), eager) < 1e-3 * scale);
    torch::jit::Module literal = script_subnet(net, ScriptForm::Literal);
    CHECK(max_abs_diff(run_module(literal, x), eager) < 1e-3 * scale);
  }
  // One layer of each kind, as the per-layer table times them.
  const auto layers = enumerate_layers(w12(), archs.back().arch);
  for (std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{5}, layers.size() - 4, layers.size() - 3, layers.size() - 2,
                        layers.size() - 1}) {
    INFO("layer " << i << ": " << lut_key(layers[i]));
    const Subnet one = single_layer(layers[i], 3);
    const torch::Tensor x = layers[i].kind == LayerKind::Classifier ? torch::randn({1, layers[i].in_c})
                                                                    : torch::randn({1, layers[i].in_c, layers[i].in_hw, layers[i].in_hw});
    const torch::Tensor eager = Engine(one, EngineKind::Eager).forward(x);
    CHECK(max_abs_diff(Engine(one, EngineKind::Optimized).forward(x), eager) < 1e-5 * std::max(1.0, eager.abs().max().item<double>()));
  }
}

TEST_CASE("the engine switch takes eager or optimized", "[engine]") {
  CHECK(parse_engine("eager") == EngineKind::Eager);
  CHECK(parse_engine("optimized") == EngineKind::Optimized);
  CHECK_THROWS_WITH(parse_engine("fast"), ofa::test::contains("--engine 'fast' is not optimized, onnxruntime, llga or eager"));
  CHECK(std::string(engine_name(EngineKind::Optimized)) == "optimized");
}

TEST_CASE("the optimized engine checks the input's shape", "[engine]") {
  const auto a = read_archs(ofa::test::source_dir() / "configs/examples/dynamic-ofa-levels.yaml", w12()).front();
  const Engine e(Subnet::random(w12(), a.arch, 1), EngineKind::Optimized);
  CHECK_THROWS_WITH(e.forward(torch::zeros({1, 3, 100, 100})), ofa::test::contains("the subnet expects [N, 3, 160, 160]"));
}

TEST_CASE("a whole network is built as the runtime serves it, with or without a cache", "[engine]") {
  // Defect: `ofa-measure` built levels without an EngineCache as one module while the runtime
  // ran a body and a shared head: the library's latencies came from another layout.
  const auto a = read_archs(ofa::test::source_dir() / "configs/examples/dynamic-ofa-levels.yaml", w12()).front();
  const Supernet s = Supernet::random(w12(), 3);
  const Subnet net = Subnet::from_supernet(w12(), a.arch, s);
  EngineCache cache;
  const Engine measured(net, EngineKind::Optimized);
  const Engine served(net, EngineKind::Optimized, &cache);
  CHECK(measured.modules() == 2);
  CHECK(served.modules() == measured.modules());
  CHECK(cache.heads() == 1);
  const torch::Tensor x = torch::randn({1, 3, a.arch.r, a.arch.r});
  CHECK(max_abs_diff(measured.forward(x), served.forward(x)) == 0.0);
  // A single layer (per-layer tables) stays one module.
  const Engine layer(single_layer(net.layers()[1], 1), EngineKind::Optimized);
  CHECK(layer.modules() == 1);
}
