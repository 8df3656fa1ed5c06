#include "catch.hpp"

#include "ofa/common/encoding.hpp"
#include "ofa/common/error.hpp"
#include "ofa/search/accuracy_predictor.hpp"
#include "ofa/search/sampling.hpp"

using namespace ofa::common;
using namespace ofa::search;

namespace {

MlpWeights random_mlp(std::vector<int> sizes, std::uint64_t seed) {
  Rng rng(seed);
  MlpWeights w;
  w.source = "synthetic";
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    DenseLayer l;
    l.in = sizes[i];
    l.out = sizes[i + 1];
    for (int k = 0; k < l.in * l.out; ++k) l.weight.push_back(static_cast<float>(rng.uniform01() - 0.5) * 0.2f);
    for (int k = 0; k < l.out; ++k) l.bias.push_back(static_cast<float>(rng.uniform01() - 0.5) * 0.2f);
    w.layers.push_back(std::move(l));
  }
  return w;
}

// The dense reference computation, in double.
double reference(const MlpWeights& w, const ArchConfig& a) {
  const auto f = encode(a);
  std::vector<double> x(f.begin(), f.end());
  for (std::size_t li = 0; li < w.layers.size(); ++li) {
    const auto& l = w.layers[li];
    std::vector<double> y(l.out);
    for (int o = 0; o < l.out; ++o) {
      double s = l.bias[o];
      for (int i = 0; i < l.in; ++i) s += double(l.weight[std::size_t(o) * l.in + i]) * x[i];
      y[o] = (li + 1 < w.layers.size()) ? std::max(0.0, s) : s;
    }
    x = std::move(y);
  }
  return x[0];
}

}  // namespace

TEST_CASE("the sparse-first-layer predictor equals a dense MLP", "[predictor]") {
  const MlpWeights w = random_mlp({128, 64, 48, 1}, 1);
  const AccuracyPredictor p(w);
  const auto space = search_space("ofa-mbv3-w1.2");
  Rng rng(2);
  std::vector<ArchConfig> archs;
  for (int i = 0; i < 77; ++i) archs.push_back(random_arch(space, rng));
  std::vector<float> out(archs.size());
  p.predict(archs, out, 1);
  for (std::size_t i = 0; i < archs.size(); ++i) {
    CHECK(out[i] == Approx(reference(w, archs[i])).margin(1e-5));
    CHECK(p.predict(archs[i]) == Approx(out[i]).margin(1e-6));
  }
  CHECK(p.flops_per_candidate() == 2.0 * (128 * 64 + 64 * 48 + 48));
}

TEST_CASE("predictions do not depend on the thread count", "[predictor]") {
  const AccuracyPredictor p(random_mlp({128, 100, 100, 1}, 3));
  const auto space = search_space("ofa-mbv3-w1.2");
  Rng rng(4);
  std::vector<ArchConfig> archs;
  for (int i = 0; i < 301; ++i) archs.push_back(random_arch(space, rng));
  std::vector<float> one(archs.size()), two(archs.size()), four(archs.size());
  p.predict(archs, one, 1);
  p.predict(archs, two, 2);
  p.predict(archs, four, 4);
  CHECK(one == two);
  CHECK(one == four);
}

TEST_CASE("predictor shape errors are named", "[predictor][errors]") {
  CHECK_THROWS_WITH(AccuracyPredictor(random_mlp({127, 10, 1}, 1)), ofa::test::contains("expects 127 inputs"));
  CHECK_THROWS_WITH(AccuracyPredictor(random_mlp({128, 10, 2}, 1)), ofa::test::contains("last layer must have 1 output"));
  CHECK_THROWS_WITH(AccuracyPredictor(random_mlp({128, 1}, 1)), ofa::test::contains("at least 2 linear layers"));
  MlpWeights chain = random_mlp({128, 10, 1}, 1);
  chain.layers[1].in = 9;
  chain.layers[1].weight.resize(9);
  CHECK_THROWS_WITH(AccuracyPredictor(chain), ofa::test::contains("previous layer gives 10"));
  MlpWeights nan = random_mlp({128, 10, 1}, 1);
  nan.layers[0].bias[3] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(AccuracyPredictor(nan), ofa::test::contains("non-finite"));
  const AccuracyPredictor p(random_mlp({128, 10, 1}, 1));
  ArchConfig bad;
  bad.ks.fill(4);
  bad.e.fill(3);
  bad.d.fill(2);
  bad.r = 160;
  std::vector<ArchConfig> archs(40, bad);
  std::vector<float> out(archs.size());
  CHECK_THROWS_WITH(p.predict(archs, out, 2), ofa::test::contains("ks[0] = 4 has no encoding"));
}
