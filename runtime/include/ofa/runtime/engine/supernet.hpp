// Supernet: a space's full weights (from a file, or seeded random) that subnets are cut from.
#pragma once
#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>
#include <string>

#include "ofa/common/search_space.hpp"
#include "ofa/runtime/engine/state_dict.hpp"

namespace ofa::runtime {

// Every key of a space's supernet state_dict with its (largest) shape.
using SupernetShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;
SupernetShapes supernet_shapes(const common::SearchSpace& space);

// An OFA MobileNetV3 supernet's weights in OFA's own key names, float32 on the CPU.
class Supernet {
 public:
  // Loads a state_dict (.pt, float16 or float32) and checks that every key the space needs
  // is present with the supernet's shape; errors name the file and the key.
  static Supernet load(const std::filesystem::path& file, const common::SearchSpace& space);
  Supernet(StateDict weights, const common::SearchSpace& space, std::string source);
  // Seeded random weights of the full supernet (source "random"), for runs without a weights file.
  static Supernet random(const common::SearchSpace& space, std::uint64_t seed = 0);

  // Replaces the leading entries of BN buffers, as OFA's set_running_statistics does: each
  // key is a supernet BN buffer name, each tensor as long as the active channel count.
  // Returns a copy with the overrides applied, sharing every other tensor; the original is unchanged.
  Supernet with_bn_overrides(const StateDict& overrides, const std::string& where) const;

  const torch::Tensor& at(const std::string& key) const { return require(weights_, key, source_); }
  const std::string& source() const { return source_; }
  const StateDict& weights() const { return weights_; }
  // Moves every tensor (to a CUDA device, so subnets sliced from it share device memory).
  void to(const torch::Device& device);

 private:
  StateDict weights_;
  std::string source_;
};

}  // namespace ofa::runtime
