// The predictor `ofa-search train-predictor` writes, loaded by LibTorch as OFA loads its own.
#include <torch/torch.h>

#include "ofa/common/encoding.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/labelled_archs.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/search/predictor_loader.hpp"
#include "ofa/search/sampling.hpp"
#include "search/commands/train_predictor_command.hpp"
#include "test_support.hpp"

#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::search;

TEST_CASE("LibTorch loads the trained predictor: OFA's keys, float32, the same values as our reader", "[train-predictor][torch]") {
  ofa::test::TempDir dir("train-torch");
  const SearchSpace space = search_space("ofa-mbv3-w1.2");
  Rng rng(23);
  std::vector<LabelledArch> archs;
  for (int i = 0; i < 40; ++i) {
    const ArchConfig a = random_arch(space, rng);
    archs.push_back({"n" + std::to_string(i), a, 0.7 + 0.01 * (a.r - 160) / 64.0});
  }
  write_file_atomic(dir / "d.yaml", format_labelled_archs_yaml(archs));
  TrainPredictorOptions o;
  o.data = {dir / "d.yaml"};
  o.out = dir / "p.pt";
  o.training.epochs = 2;
  o.training.batch_size = 16;
  run_train_predictor(o, {});

  const std::string bytes = read_file(o.out);
  const c10::IValue v = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  REQUIRE(v.isGenericDict());
  const auto d = v.toGenericDict();
  const std::vector<std::string> keys{"0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias"};
  REQUIRE(d.size() == keys.size());
  const MlpWeights ours = load_mlp_weights(o.out);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    INFO(keys[k]);
    REQUIRE(d.contains(keys[k]));
    const torch::Tensor t = d.at(keys[k]).toTensor().contiguous();
    CHECK(t.scalar_type() == torch::kFloat32);
    const auto& layer = ours.layers[k / 2];
    const std::vector<float>& expected = k % 2 ? layer.bias : layer.weight;
    REQUIRE(t.numel() == static_cast<std::int64_t>(expected.size()));
    CHECK(std::equal(expected.begin(), expected.end(), t.data_ptr<float>()));
  }
  // The MLP in LibTorch gives the predictor's score (OFA: layers(x) with the base folded in).
  torch::nn::Sequential mlp(torch::nn::Linear(128, 400), torch::nn::ReLU(), torch::nn::Linear(400, 400), torch::nn::ReLU(),
                            torch::nn::Linear(400, 400), torch::nn::ReLU(), torch::nn::Linear(400, 1));
  torch::NoGradGuard guard;
  for (auto& p : mlp->named_parameters()) p.value().copy_(d.at(p.key()).toTensor());
  const auto feature = encode(archs[5].arch);
  const torch::Tensor x = torch::from_blob(const_cast<float*>(feature.data()), {1, 128}, torch::kFloat32);
  const AccuracyPredictor p(ours);
  CHECK(mlp->forward(x).item<float>() == Approx(p.predict(archs[5].arch)).margin(1e-5));
}
