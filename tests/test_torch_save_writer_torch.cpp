// The torch.save files common/ writes without LibTorch, loaded by LibTorch itself.
#include <torch/torch.h>

#include "ofa/common/torch_save_writer.hpp"

#include "catch.hpp"

using namespace ofa::common;

TEST_CASE("LibTorch loads a state_dict written by the torch-free writer, values and shapes exact", "[torch_file][writer]") {
  FloatStateDict dict{{"6.weight", {{1, 4}, {0.5f, -1.25f, 3.0f, 1e-7f}}}, {"6.bias", {{1}, {0.78f}}}, {"step", {{}, {3.0f}}}};
  const std::string bytes = torch_save_bytes(dict);
  const c10::IValue v = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  REQUIRE(v.isGenericDict());
  const auto d = v.toGenericDict();
  REQUIRE(d.size() == dict.size());
  for (const auto& [name, t] : dict) {
    INFO(name);
    REQUIRE(d.contains(name));
    const torch::Tensor x = d.at(name).toTensor();
    CHECK(x.scalar_type() == torch::kFloat32);
    CHECK(std::vector<std::int64_t>(x.sizes().begin(), x.sizes().end()) == t.sizes);
    const torch::Tensor expected = torch::from_blob(const_cast<float*>(t.values.data()), t.sizes, torch::kFloat32);
    CHECK(torch::equal(x, expected));
  }
}
