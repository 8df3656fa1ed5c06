// The torch-free reader against LibTorch itself: what LibTorch writes, we read identically,
// and golden tensors become LibTorch tensors without a copy.
#include <torch/torch.h>

#include "ofa/common/files.hpp"
#include "ofa/common/torch_file.hpp"
#include "ofa/runtime/engine/state_dict.hpp"
#include "ofa/runtime/engine/tensor_io.hpp"
#include "torch_test_support.hpp"

#include "catch.hpp"

using namespace ofa;

TEST_CASE("every dtype LibTorch saves reads back equal through the torch-free reader", "[torch_file][torch]") {
  test::TempDir dir("reader");
  torch::manual_seed(3);
  const std::vector<torch::Tensor> tensors = {
      torch::randn({3, 5}),
      torch::randn({2, 3, 4}, torch::kFloat64),
      torch::randn({7}).to(torch::kFloat16),
      torch::randn({4, 4}).to(torch::kBFloat16),
      torch::randint(-1000000, 1000000, {6}, torch::kInt64) * 1000000,
      torch::randint(-1000, 1000, {2, 2}, torch::kInt32),
      torch::randint(0, 255, {9}, torch::kUInt8),
      torch::rand({5}) > 0.5,
      torch::tensor(42, torch::kInt64),  // 0-dim, as num_batches_tracked
      torch::zeros({0, 3}),              // empty
  };
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    INFO("tensor " << i << " " << tensors[i].dtype());
    const auto file = dir / ("t" + std::to_string(i) + ".pt");
    runtime::save_tensor(file, tensors[i]);
    const torch::Tensor back = runtime::load_tensor(file);
    CHECK(back.dtype() == tensors[i].dtype());
    CHECK(back.sizes() == tensors[i].sizes());
    CHECK(torch::equal(back, tensors[i]));
  }
}

TEST_CASE("a LibTorch state_dict reads as the same tensors, and aligned storages are not copied", "[torch_file][torch]") {
  test::TempDir dir("reader-dict");
  runtime::StateDict d{{"a.weight", torch::randn({8, 4})}, {"b.bias", torch::randn({8})}, {"n", torch::tensor(17, torch::kInt64)}};
  test::save_state_dict(dir / "d.pt", d);
  const runtime::StateDict back = runtime::load_state_dict(dir / "d.pt");
  REQUIRE(back.size() == d.size());
  for (const auto& [k, v] : d) CHECK(torch::equal(back.at(k), v));

  // The golden supernet's tensors point into the file's bytes (one buffer, no per-tensor copy).
  const common::SavedObject root = common::read_torch_file(test::data_dir() / "golden/supernet_fp16.pt");
  const common::SavedObject& w = *root.find("first_conv.conv.weight");
  const torch::Tensor t = runtime::to_torch(w.tensor);
  CHECK(t.data_ptr() == static_cast<const void*>(w.tensor.data()));
  CHECK(t.dtype() == torch::kFloat16);
  // The legacy fixture's storages are packed at odd offsets: copied, with the same values.
  const runtime::StateDict legacy = runtime::load_state_dict(test::data_dir() / "golden/mixed_legacy.pt");
  const runtime::StateDict zip = runtime::load_state_dict(test::data_dir() / "golden/mixed_zip.pt");
  for (const auto& [k, v] : zip) {
    INFO(k);
    CHECK(torch::equal(legacy.at(k), v));
  }
  CHECK(torch::equal(zip.at("a.view"), zip.at("a.weight").slice(0, 1, 3).slice(1, 2, 5)));
  CHECK(torch::equal(zip.at("d.double"), torch::arange(24, torch::kFloat64).reshape({4, 6}).t()));
}
