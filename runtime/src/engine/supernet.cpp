#include "ofa/runtime/engine/supernet.hpp"

#include <cstring>

#include "ofa/common/error.hpp"
#include "ofa/common/layers.hpp"

namespace ofa::runtime {

using namespace ofa::common;

namespace {

std::string shape(torch::IntArrayRef s) { return c10::str(s); }

void add_bn(SupernetShapes& out, const std::string& prefix, int64_t c) {
  for (const char* p : {"weight", "bias", "running_mean", "running_var"}) out.push_back({prefix + "." + p, {c}});
}

}  // namespace

SupernetShapes supernet_shapes(const SearchSpace& space) {
  SupernetShapes out;
  const int c0 = space.first_conv_width, fb = space.first_block_width;
  out.push_back({"first_conv.conv.weight", {c0, 3, 3, 3}});
  add_bn(out, "first_conv.bn", c0);
  out.push_back({"blocks.0.conv.depth_conv.conv.weight", {c0, 1, 3, 3}});
  add_bn(out, "blocks.0.conv.depth_conv.bn", c0);
  out.push_back({"blocks.0.conv.point_linear.conv.weight", {fb, c0, 1, 1}});
  add_bn(out, "blocks.0.conv.point_linear.bn", fb);
  const int max_k = *std::max_element(space.ks_choices.begin(), space.ks_choices.end());
  const int max_e = *std::max_element(space.e_choices.begin(), space.e_choices.end());
  for (int b = 0; b < kBlocks; ++b) {
    const LayerSpec l = block_layer(space, space.resolutions.front(), b, max_k, max_e);
    const std::string p = "blocks." + std::to_string(b + 1) + ".conv.";
    out.push_back({p + "inverted_bottleneck.conv.conv.weight", {l.mid_c, l.in_c, 1, 1}});
    add_bn(out, p + "inverted_bottleneck.bn.bn", l.mid_c);
    out.push_back({p + "depth_conv.conv.conv.weight", {l.mid_c, 1, max_k, max_k}});
    add_bn(out, p + "depth_conv.bn.bn", l.mid_c);
    if (l.se_c > 0) {
      out.push_back({p + "depth_conv.se.fc.reduce.weight", {l.se_c, l.mid_c, 1, 1}});
      out.push_back({p + "depth_conv.se.fc.reduce.bias", {l.se_c}});
      out.push_back({p + "depth_conv.se.fc.expand.weight", {l.mid_c, l.se_c, 1, 1}});
      out.push_back({p + "depth_conv.se.fc.expand.bias", {l.mid_c}});
    }
    out.push_back({p + "point_linear.conv.conv.weight", {l.out_c, l.mid_c, 1, 1}});
    add_bn(out, p + "point_linear.bn.bn", l.out_c);
    if (max_k >= 7) out.push_back({p + "depth_conv.conv.7to5_matrix", {25, 25}});
    if (max_k >= 5) out.push_back({p + "depth_conv.conv.5to3_matrix", {9, 9}});
  }
  const int last = space.stage_width[kStages - 1];
  out.push_back({"final_expand_layer.conv.weight", {space.final_expand_width, last, 1, 1}});
  add_bn(out, "final_expand_layer.bn", space.final_expand_width);
  out.push_back({"feature_mix_layer.conv.weight", {space.feature_mix_width, space.final_expand_width, 1, 1}});
  out.push_back({"classifier.linear.weight", {space.num_classes, space.feature_mix_width}});
  out.push_back({"classifier.linear.bias", {space.num_classes}});
  return out;
}

Supernet Supernet::random(const SearchSpace& space, std::uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  auto ends_with = [](const std::string& s, const char* suffix) {
    const std::size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
  };
  StateDict w;
  for (const auto& [key, dims] : supernet_shapes(space)) {
    torch::Tensor t;
    if (ends_with(key, "_matrix")) {
      t = torch::eye(dims[0]);  // the kernel transforms start as a plain centre crop
    } else if (dims.size() >= 2) {  // conv and linear weights: He initialisation
      const double fan_in = static_cast<double>(dims[1]) * (dims.size() == 4 ? static_cast<double>(dims[2] * dims[3]) : 1.0);
      t = torch::randn(dims, gen) * std::sqrt((dims.size() == 2 ? 1.0 : 2.0) / fan_in);
    } else if (ends_with(key, "running_var")) {
      t = torch::ones(dims) + 0.1 * torch::rand(dims, gen);
    } else if (ends_with(key, "bn.weight")) {
      t = torch::ones(dims) + 0.1 * torch::randn(dims, gen);
    } else {
      t = 0.1 * torch::randn(dims, gen);
    }
    w.emplace(key, t);
  }
  return Supernet(std::move(w), space, "random");
}

namespace {

void check_shapes(const StateDict& w, const SearchSpace& space, const std::string& where) {
  for (const auto& [key, dims] : supernet_shapes(space)) {
    const torch::Tensor& t = require(w, key, where);
    if (t.sizes() != torch::IntArrayRef(dims))
      throw Error(where + ": key '" + key + "' has shape " + shape(t.sizes()) + ", the space needs " + shape(dims));
  }
}

}  // namespace

Supernet::Supernet(StateDict weights, const SearchSpace& space, std::string source) : source_(std::move(source)) {
  // Shapes first: a tensor the space does not expect is never converted (a hostile file can
  // describe a huge broadcast view of a few bytes).
  check_shapes(weights, space, source_);
  for (const auto& [key, dims] : supernet_shapes(space)) {
    const torch::Tensor& t = weights.at(key);
    if (!t.is_floating_point()) throw Error(source_ + ": key '" + key + "' holds " + std::string(c10::toString(t.scalar_type())) + ", not floating point");
    torch::Tensor f = t.to(torch::kCPU, torch::kFloat32).contiguous();
    if (!torch::isfinite(f).all().item<bool>()) throw Error(source_ + ": key '" + key + "' holds NaN or infinite values");
    weights_.emplace(key, f);
  }
  check_shapes(weights_, space, source_);
}

Supernet Supernet::load(const std::filesystem::path& file, const SearchSpace& space) {
  return Supernet(load_state_dict(file), space, file.string());
}

Supernet Supernet::with_bn_overrides(const StateDict& overrides, const std::string& where) const {
  Supernet out = *this;  // shares every tensor; only the overridden ones are copied below
  for (const auto& [key, value] : overrides) {
    auto it = out.weights_.find(key);
    if (it == out.weights_.end()) throw Error(where + ": key '" + key + "' is not a supernet buffer");
    if (key.find("running_mean") == std::string::npos && key.find("running_var") == std::string::npos &&
        key.find(".bn.") == std::string::npos)
      throw Error(where + ": key '" + key + "' is not a BatchNorm statistic");
    const torch::Tensor v = value.to(torch::kCPU, torch::kFloat32).flatten();
    if (v.size(0) > it->second.size(0))
      throw Error(where + ": key '" + key + "' has " + std::to_string(v.size(0)) + " entries, the supernet buffer " +
                  std::to_string(it->second.size(0)));
    if (!torch::isfinite(v).all().item<bool>()) throw Error(where + ": key '" + key + "' holds NaN or infinite values");
    // A negative variance makes eval-mode BN take the square root of a negative number: NaN logits.
    if (key.find("running_var") != std::string::npos && (v < 0).any().item<bool>())
      throw Error(where + ": key '" + key + "' holds a negative variance (" + std::to_string(v.min().item<float>()) + ")");
    it->second = it->second.clone();
    it->second.narrow(0, 0, v.size(0)).copy_(v);
  }
  return out;
}

void Supernet::to(const torch::Device& device) {
  for (auto& [key, t] : weights_) t = t.to(device);
}

}  // namespace ofa::runtime
