#include <fstream>

#include <torch/torch.h>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/search/predictor_loader.hpp"
#include "test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::search;
using ofa::test::data_dir;

namespace {

std::filesystem::path predictor_file() { return data_dir() / "predictors/ofa_mbv3_w1.2_acc_predictor.pt"; }

void save_dict(const std::filesystem::path& file, const c10::Dict<std::string, torch::Tensor>& dict) {
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

c10::Dict<std::string, torch::Tensor> original_dict() {
  c10::Dict<std::string, torch::Tensor> d;
  for (const auto& kv : torch::pickle_load([] {
         std::ifstream f(predictor_file(), std::ios::binary);
         return std::vector<char>((std::istreambuf_iterator<char>(f)), {});
       }()).toGenericDict())
    d.insert(kv.key().toStringRef(), kv.value().toTensor());
  return d;
}

}  // namespace

TEST_CASE("predicted accuracy equals the reference for every reference architecture", "[predictor][reference]") {
  const auto predictor = load_predictor(predictor_file());
  const YAML::Node ref = ofa::test::arch_reference();
  std::vector<ArchConfig> archs;
  std::vector<double> expected;
  for (const auto& kv : ref) {
    archs.push_back(arch_from_yaml(kv.second, kv.first.Scalar()));
    expected.push_back(kv.second["predicted_accuracy"].as<double>());
  }
  REQUIRE(archs.size() >= 8);
  std::vector<float> batched(archs.size());
  predictor.predict(archs, batched, 2);
  for (std::size_t i = 0; i < archs.size(); ++i) {
    INFO(to_string(archs[i]));
    CHECK(batched[i] == Approx(expected[i]).epsilon(1e-5));
    CHECK(predictor.predict(archs[i]) == Approx(expected[i]).epsilon(1e-5));
  }
}

TEST_CASE("bad predictor files get errors naming file and key", "[predictor][errors]") {
  ofa::test::TempDir dir("pred");
  // Truncated.
  {
    std::ifstream in(predictor_file(), std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "cut.pt", std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  CHECK_THROWS_WITH(load_predictor(dir / "cut.pt"), ofa::test::contains("cut.pt: truncated zip archive"));
  // Not a PyTorch file at all.
  ofa::test::write_text(dir / "text.pt", "hello");
  CHECK_THROWS_WITH(load_predictor(dir / "text.pt"), ofa::test::contains("text.pt: not a torch.save file"));
  CHECK_THROWS_WITH(load_predictor(dir / "absent.pt"), ofa::test::contains("absent.pt: no such file"));
  // A missing key.
  auto d = original_dict();
  REQUIRE(d.erase("4.bias") == 1);
  save_dict(dir / "nobias.pt", d);
  CHECK_THROWS_WITH(load_predictor(dir / "nobias.pt"), ofa::test::contains("nobias.pt: missing key '4.bias'"));
  // A shape mismatch.
  d = original_dict();
  d.insert_or_assign("2.weight", torch::zeros({400, 300}));
  save_dict(dir / "shape.pt", d);
  CHECK_THROWS_WITH(load_predictor(dir / "shape.pt"), ofa::test::contains("shape.pt: key '4.weight'") || ofa::test::contains("shape.pt: key '2.weight'"));
  // An unexpected key.
  d = original_dict();
  d.insert("base_acc", torch::zeros({1}));
  save_dict(dir / "extra.pt", d);
  CHECK_THROWS_WITH(load_predictor(dir / "extra.pt"), ofa::test::contains("unexpected key 'base_acc'"));
  // NaN weights.
  d = original_dict();
  auto w = d.at("0.weight").clone();
  w[0][0] = std::numeric_limits<float>::quiet_NaN();
  d.insert_or_assign("0.weight", w);
  save_dict(dir / "nan.pt", d);
  CHECK_THROWS_WITH(load_predictor(dir / "nan.pt"), ofa::test::contains("non-finite"));
}
