#include "catch.hpp"

#include <set>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/search/blockwise_table.hpp"
#include "ofa/search/sampling.hpp"
#include "test_support.hpp"

using namespace ofa::common;
using ofa::test::data_dir;

TEST_CASE("MACs and params equal OFA's reference for every reference architecture", "[layers][reference]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  const YAML::Node ref = ofa::test::arch_reference();
  int checked = 0;
  for (const auto& kv : ref) {
    const std::string name = kv.first.Scalar();
    INFO(name);
    const ArchConfig a = arch_from_yaml(kv.second, name);
    const Complexity c = complexity(enumerate_layers(space, a));
    CHECK(c.macs / 1e6 == kv.second["macs_m"].as<double>());
    CHECK(c.params / 1e6 == kv.second["params_m"].as<double>());
    // The exact additive tables differ from OFA's float32 totals only by that rounding.
    double exact = 0;
    for (const auto& l : enumerate_layers(space, a)) exact += layer_macs(l);
    CHECK(ofa::search::macs_table(space)(a) == Approx(exact / 1e6).epsilon(1e-12));
    CHECK(ofa::search::macs_table(space)(a) == Approx(kv.second["macs_m"].as<double>()).epsilon(1e-7));
    CHECK(ofa::search::params_table(space)(a) == Approx(kv.second["params_m"].as<double>()).epsilon(1e-9));
    ++checked;
  }
  CHECK(checked >= 8);
}

TEST_CASE("layer enumeration shapes", "[layers]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  ArchConfig a;
  a.ks.fill(3);
  a.e.fill(4);
  a.d = {2, 3, 4, 2, 3};
  a.r = 164;
  const auto layers = enumerate_layers(space, a);
  REQUIRE(layers.size() == 2 + 14 + 4);
  CHECK(layers[0].kind == LayerKind::FirstConv);
  CHECK(layers[0].out_hw == 82);
  CHECK(layers[1].kind == LayerKind::FirstBlock);
  CHECK(layers[1].residual);
  // Stage 0 first block: stride 2, 24 -> 32, not residual.
  CHECK(layers[2].stride == 2);
  CHECK(layers[2].in_c == 24);
  CHECK(layers[2].out_c == 32);
  CHECK(layers[2].out_hw == 41);
  CHECK_FALSE(layers[2].residual);
  CHECK(layers[3].residual);
  CHECK(layers[3].mid_c == 128);
  // Stage 3 keeps the resolution (stride 1) but changes width: no shortcut.
  const LayerSpec s3 = block_layer(space, 164, 12, 5, 6);
  CHECK(s3.stride == 1);
  CHECK(s3.in_c == 96);
  CHECK(s3.out_c == 136);
  CHECK_FALSE(s3.residual);
  CHECK(s3.se_c == make_divisible(576 / 4));
  CHECK(layers.back().kind == LayerKind::Classifier);
  CHECK(layers[layers.size() - 4].in_hw == 6);  // 82 -> 41 -> 21 -> 11 -> 11 -> 6
  // Inactive blocks never reach the enumeration.
  ArchConfig b = a;
  b.ks[19] = 7;  // stage 4 has depth 3: block 19 is inactive
  b.e[19] = 6;
  CHECK(enumerate_layers(space, b).size() == layers.size());
}

TEST_CASE("LUT keys of every layer the space can produce exist in the shipped Jetson tables", "[layers][lut]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  for (int r : {160, 188, 224}) {
    INFO("r = " << r);
    const auto file = find_lut_file(data_dir() / "luts/jetson_xavier_nx_gpu", r);
    REQUIRE(file);
    const LutFile lut = read_lut_file(*file);
    std::set<std::string> needed;
    for (const auto& l : stem_layers(space, r)) needed.insert(lut_key(l));
    for (const auto& l : head_layers(space, r)) needed.insert(lut_key(l));
    for (int b = 0; b < kBlocks; ++b)
      for (int ks : space.ks_choices)
        for (int e : space.e_choices) needed.insert(lut_key(block_layer(space, r, b, ks, e)));
    for (const auto& k : needed) {
      INFO(k);
      CHECK(lut.count(k) == 1);
    }
    // The shipped tables hold exactly the keys the space needs.
    CHECK(needed.size() == lut.size());
  }
}

TEST_CASE("LUT key text", "[layers][lut]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  const auto stem = stem_layers(space, 160);
  CHECK(lut_key(stem[0]) == "Conv-input:160x160x3-output:80x80x24");
  CHECK(lut_key(stem[1]) ==
        "expanded_conv-input:80x80x24-output:80x80x24-expand:24-kernel:3-stride:1-idskip:1-se:0-hs:0");
  CHECK(lut_key(block_layer(space, 160, 13, 5, 3)) ==
        "expanded_conv-input:10x10x136-output:10x10x136-expand:408-kernel:5-stride:1-idskip:1-se:1-hs:1");
  const auto head = head_layers(space, 160);
  CHECK(lut_key(head[0]) == "Conv_1-input:5x5x192-output:5x5x1152");
  CHECK(lut_key(head[1]) == "AvgPool2D-input:5x5x1152-output:1x1x1152");
  CHECK(lut_key(head[2]) == "Conv_2-input:1x1x1152-output:1x1x1536");
  CHECK(lut_key(head[3]) == "Logits-input:1x1x1536-output:1000");
}

TEST_CASE("enumerate_layers rejects architectures outside the space", "[layers][errors]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  ArchConfig a;
  a.ks.fill(3);
  a.e.fill(3);
  a.d.fill(2);
  a.r = 161;
  CHECK_THROWS_WITH(enumerate_layers(space, a), ofa::test::contains("r = 161 is not one of"));
}
