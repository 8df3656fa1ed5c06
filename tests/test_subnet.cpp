#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::runtime;
using ofa::test::data_dir;
using ofa::test::golden_supernet;
using ofa::test::w12;


TEST_CASE("every golden case: the extracted subnet reproduces OFA's logits within 1e-4", "[subnet][golden]") {
  const auto archs = read_archs(data_dir() / "golden/cases_public.yaml", w12());
  const auto& cases = ofa::test::golden_cases();
  REQUIRE(archs.size() == cases.size());
  for (const auto& a : archs) {
    INFO(a.name);
    const auto& entry = cases.at(a.name);
    const torch::Tensor input = entry.input;
    const torch::Tensor expected = entry.logits;
    const StateDict& bn = entry.bn;
    const Supernet s = golden_supernet().with_bn_overrides(bn, a.name);
    const Subnet net = Subnet::from_supernet(w12(), a.arch, s);
    const torch::Tensor logits = net.forward(input);
    REQUIRE(logits.sizes() == expected.sizes());
    const double err = (logits - expected).abs().max().item<double>();
    CHECK(err < 1e-4);
  }
}
