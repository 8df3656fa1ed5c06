#include "ofa/runtime/engine/subnet.hpp"

#include "ofa/common/error.hpp"
#include "ofa/runtime/engine/bn_recalibration.hpp"

namespace ofa::runtime {

using namespace ofa::common;
namespace F = torch::nn::functional;

namespace {

constexpr double kBnEps = 1e-5;

torch::Tensor h_swish(const torch::Tensor& x) { return x * torch::relu6(x + 3.0) / 6.0; }
torch::Tensor h_sigmoid(const torch::Tensor& x) { return torch::relu6(x + 3.0) / 6.0; }

// With `stats`, the batch's own statistics replace the running ones (OFA's
// set_running_statistics: mean and biased variance over N, H, W) and are recorded.
torch::Tensor bn(const torch::Tensor& x, const BatchNorm& b, BnStatistics* stats) {
  if (!stats) return torch::batch_norm(x, b.weight, b.bias, b.mean, b.var, /*training=*/false, 0.0, kBnEps, /*cudnn=*/true);
  if (b.key.empty()) throw Error("a subnet with random weights has no supernet BatchNorm names to recalibrate");
  const torch::Tensor mean = x.mean({0, 2, 3});
  const torch::Tensor var = (x - mean.view({1, -1, 1, 1})).pow(2).mean({0, 2, 3});
  stats->add(b.key, mean, var, x.size(0));
  return torch::batch_norm(x, b.weight, b.bias, mean, var, /*training=*/false, 0.0, kBnEps, /*cudnn=*/true);
}

torch::Tensor act(const torch::Tensor& x, bool hswish) { return hswish ? h_swish(x) : torch::relu(x); }

torch::Tensor conv(const torch::Tensor& x, const torch::Tensor& w, int stride, int groups) {
  const int64_t k = w.size(2);
  return torch::conv2d(x, w, {}, stride, k / 2, 1, groups);
}

BatchNorm slice_bn(const Supernet& s, WeightSlicer& w, const std::string& prefix, int64_t c) {
  auto get = [&](const char* name) { return w.leading(s.at(prefix + "." + name), c); };
  return {get("weight"), get("bias"), get("running_mean"), get("running_var"), prefix};
}

enum MemoKind { kInputSlice = 0, kKernel = 1 };

}  // namespace

torch::Tensor transform_kernel(const torch::Tensor& full, int k, const torch::Tensor& m7to5, const torch::Tensor& m5to3) {
  torch::Tensor w = full;
  int size = static_cast<int>(full.size(2));
  while (size > k) {
    const int target = size - 2;
    const torch::Tensor& m = size == 7 ? m7to5 : m5to3;
    const int64_t c = w.size(0), in = w.size(1);
    // OFA's sub_filter_start_end: the centre target x target window.
    const int start = size / 2 - target / 2;
    torch::Tensor crop = w.narrow(2, start, target).narrow(3, start, target).contiguous();
    crop = torch::linear(crop.view({c * in, target * target}), m);
    w = crop.view({c, in, target, target});
    size = target;
  }
  return w.contiguous();
}

torch::Tensor WeightSlicer::leading(const torch::Tensor& t, int64_t d0) {
  torch::Tensor v = t.narrow(0, 0, d0);
  return mode_ == Mode::Share && v.is_contiguous() ? v : v.clone(at::MemoryFormat::Contiguous);
}

torch::Tensor WeightSlicer::leading(const torch::Tensor& t, int64_t d0, int64_t d1) {
  if (mode_ == Mode::Copy) return t.narrow(0, 0, d0).narrow(1, 0, d1).clone(at::MemoryFormat::Contiguous);
  if (d1 == t.size(1)) return leading(t, d0);
  // Slice the input channels of every output row once, then take leading rows as views.
  auto [it, fresh] = memo_.try_emplace({t.data_ptr(), d1, kInputSlice});
  if (fresh) it->second = t.narrow(1, 0, d1).contiguous();
  return it->second.narrow(0, 0, d0);
}

torch::Tensor WeightSlicer::depthwise(const torch::Tensor& full, int64_t mid, int k, const torch::Tensor& m75, const torch::Tensor& m53) {
  if (k == full.size(2)) return leading(full, mid);
  if (mode_ == Mode::Copy) return transform_kernel(full.narrow(0, 0, mid), k, m75, m53);
  // The transform acts on each channel alone, so transforming every channel once serves all widths.
  auto [it, fresh] = memo_.try_emplace({full.data_ptr(), k, kKernel});
  if (fresh) it->second = transform_kernel(full, k, m75, m53);
  return it->second.narrow(0, 0, mid);
}

Subnet Subnet::from_supernet(const SearchSpace& space, const ArchConfig& arch, const Supernet& s) {
  WeightSlicer copy(WeightSlicer::Mode::Copy);
  return from_supernet(space, arch, s, copy);
}

Subnet Subnet::from_supernet(const SearchSpace& space, const ArchConfig& arch, const Supernet& s, WeightSlicer& slicer) {
  Subnet n;
  n.arch_ = arch;
  n.layers_ = enumerate_layers(space, arch);
  n.source_ = s.source();
  for (const LayerSpec& l : n.layers_) {
    LayerWeights w;
    switch (l.kind) {
      case LayerKind::FirstConv:
        w.conv = slicer.leading(s.at("first_conv.conv.weight"), l.out_c);
        w.conv_bn = slice_bn(s, slicer, "first_conv.bn", l.out_c);
        break;
      case LayerKind::FirstBlock:
        w.depthwise = slicer.leading(s.at("blocks.0.conv.depth_conv.conv.weight"), l.mid_c);
        w.depthwise_bn = slice_bn(s, slicer, "blocks.0.conv.depth_conv.bn", l.mid_c);
        w.conv = slicer.leading(s.at("blocks.0.conv.point_linear.conv.weight"), l.out_c, l.mid_c);
        w.conv_bn = slice_bn(s, slicer, "blocks.0.conv.point_linear.bn", l.out_c);
        break;
      case LayerKind::Block: {
        const std::string p = "blocks." + std::to_string(l.block + 1) + ".conv.";
        w.expand = slicer.leading(s.at(p + "inverted_bottleneck.conv.conv.weight"), l.mid_c, l.in_c);
        w.expand_bn = slice_bn(s, slicer, p + "inverted_bottleneck.bn.bn", l.mid_c);
        const torch::Tensor& full = s.at(p + "depth_conv.conv.conv.weight");
        const int max_k = static_cast<int>(full.size(2));
        torch::Tensor m75, m53;
        if (max_k >= 7 && l.kernel < 7) m75 = s.at(p + "depth_conv.conv.7to5_matrix");
        if (max_k >= 5 && l.kernel < 5) m53 = s.at(p + "depth_conv.conv.5to3_matrix");
        w.depthwise = slicer.depthwise(full, l.mid_c, l.kernel, m75, m53);
        w.depthwise_bn = slice_bn(s, slicer, p + "depth_conv.bn.bn", l.mid_c);
        if (l.se_c > 0) {
          w.se_reduce = slicer.leading(s.at(p + "depth_conv.se.fc.reduce.weight"), l.se_c, l.mid_c);
          w.se_reduce_bias = slicer.leading(s.at(p + "depth_conv.se.fc.reduce.bias"), l.se_c);
          w.se_expand = slicer.leading(s.at(p + "depth_conv.se.fc.expand.weight"), l.mid_c, l.se_c);
          w.se_expand_bias = slicer.leading(s.at(p + "depth_conv.se.fc.expand.bias"), l.mid_c);
        }
        w.conv = slicer.leading(s.at(p + "point_linear.conv.conv.weight"), l.out_c, l.mid_c);
        w.conv_bn = slice_bn(s, slicer, p + "point_linear.bn.bn", l.out_c);
        break;
      }
      case LayerKind::FinalExpand:
        w.conv = slicer.leading(s.at("final_expand_layer.conv.weight"), l.out_c, l.in_c);
        w.conv_bn = slice_bn(s, slicer, "final_expand_layer.bn", l.out_c);
        break;
      case LayerKind::AvgPool:
        break;
      case LayerKind::FeatureMix:
        w.conv = slicer.leading(s.at("feature_mix_layer.conv.weight"), l.out_c, l.in_c);
        break;
      case LayerKind::Classifier:
        w.linear = slicer.leading(s.at("classifier.linear.weight"), l.out_c, l.in_c);
        w.linear_bias = slicer.leading(s.at("classifier.linear.bias"), l.out_c);
        break;
    }
    n.weights_.push_back(std::move(w));
  }
  n.device_ = s.at("first_conv.conv.weight").device();
  return n;
}

namespace {

// He-style initialisation with a private generator, so a seed gives the same weights.
struct RandomInit {
  at::Generator gen;
  explicit RandomInit(std::uint64_t seed) : gen(at::detail::createCPUGenerator(seed)) {}
  torch::Tensor conv(int64_t out, int64_t in, int64_t k) {
    return torch::randn({out, in, k, k}, gen) * std::sqrt(2.0 / double(in * k * k));
  }
  BatchNorm bn(int64_t c) {
    return {torch::ones({c}) + 0.1 * torch::randn({c}, gen), 0.1 * torch::randn({c}, gen),
            0.1 * torch::randn({c}, gen), torch::ones({c}) + 0.1 * torch::rand({c}, gen), ""};
  }
  torch::Tensor vec(int64_t c) { return 0.1 * torch::randn({c}, gen); }
};

LayerWeights random_weights(const LayerSpec& l, RandomInit& r) {
  LayerWeights w;
  switch (l.kind) {
    case LayerKind::FirstConv:
      w.conv = r.conv(l.out_c, l.in_c, l.kernel);
      w.conv_bn = r.bn(l.out_c);
      break;
    case LayerKind::FirstBlock:
      w.depthwise = r.conv(l.mid_c, 1, l.kernel);
      w.depthwise_bn = r.bn(l.mid_c);
      w.conv = r.conv(l.out_c, l.mid_c, 1);
      w.conv_bn = r.bn(l.out_c);
      break;
    case LayerKind::Block:
      w.expand = r.conv(l.mid_c, l.in_c, 1);
      w.expand_bn = r.bn(l.mid_c);
      w.depthwise = r.conv(l.mid_c, 1, l.kernel);
      w.depthwise_bn = r.bn(l.mid_c);
      if (l.se_c > 0) {
        w.se_reduce = r.conv(l.se_c, l.mid_c, 1);
        w.se_reduce_bias = r.vec(l.se_c);
        w.se_expand = r.conv(l.mid_c, l.se_c, 1);
        w.se_expand_bias = r.vec(l.mid_c);
      }
      w.conv = r.conv(l.out_c, l.mid_c, 1);
      w.conv_bn = r.bn(l.out_c);
      break;
    case LayerKind::FinalExpand:
      w.conv = r.conv(l.out_c, l.in_c, 1);
      w.conv_bn = r.bn(l.out_c);
      break;
    case LayerKind::AvgPool:
      break;
    case LayerKind::FeatureMix:
      w.conv = r.conv(l.out_c, l.in_c, 1);
      break;
    case LayerKind::Classifier:
      w.linear = torch::randn({l.out_c, l.in_c}, r.gen) * std::sqrt(1.0 / l.in_c);
      w.linear_bias = r.vec(l.out_c);
      break;
  }
  return w;
}

}  // namespace

Subnet Subnet::random(const SearchSpace& space, const ArchConfig& arch, std::uint64_t seed) {
  Subnet n;
  n.arch_ = arch;
  n.layers_ = enumerate_layers(space, arch);
  n.source_ = "random";
  RandomInit init(seed);
  for (const LayerSpec& l : n.layers_) n.weights_.push_back(random_weights(l, init));
  return n;
}

Subnet single_layer(const LayerSpec& layer, std::uint64_t seed) {
  Subnet n;
  n.layers_ = {layer};
  n.source_ = "random";
  RandomInit init(seed);
  n.weights_.push_back(random_weights(layer, init));
  return n;
}

torch::Tensor Subnet::forward_layer(std::size_t i, const torch::Tensor& x) const { return run_layer(i, x, nullptr); }

torch::Tensor Subnet::run_layer(std::size_t i, const torch::Tensor& x, BnStatistics* stats) const {
  auto bn = [stats](const torch::Tensor& y, const BatchNorm& b) { return runtime::bn(y, b, stats); };
  const LayerSpec& l = layers_[i];
  const LayerWeights& w = weights_[i];
  switch (l.kind) {
    case LayerKind::FirstConv:
      return h_swish(bn(conv(x, w.conv, l.stride, 1), w.conv_bn));
    case LayerKind::FirstBlock: {
      torch::Tensor y = torch::relu(bn(conv(x, w.depthwise, 1, static_cast<int>(l.mid_c)), w.depthwise_bn));
      y = bn(conv(y, w.conv, 1, 1), w.conv_bn);
      return l.residual ? y + x : y;
    }
    case LayerKind::Block: {
      torch::Tensor y = act(bn(conv(x, w.expand, 1, 1), w.expand_bn), l.hswish);
      y = act(bn(conv(y, w.depthwise, l.stride, l.mid_c), w.depthwise_bn), l.hswish);
      if (l.se_c > 0) {
        torch::Tensor s = y.mean({2, 3}, /*keepdim=*/true);
        s = torch::relu(torch::conv2d(s, w.se_reduce, w.se_reduce_bias));
        s = h_sigmoid(torch::conv2d(s, w.se_expand, w.se_expand_bias));
        y = y * s;
      }
      y = bn(conv(y, w.conv, 1, 1), w.conv_bn);
      return l.residual ? y + x : y;
    }
    case LayerKind::FinalExpand:
      return h_swish(bn(conv(x, w.conv, 1, 1), w.conv_bn));
    case LayerKind::AvgPool:
      return x.mean({2, 3}, /*keepdim=*/true);
    case LayerKind::FeatureMix:
      return h_swish(torch::conv2d(x, w.conv));
    case LayerKind::Classifier:
      return torch::linear(x.flatten(1), w.linear, w.linear_bias);
  }
  throw Error("unknown layer kind");
}

void check_input_shape(const ArchConfig& arch, const torch::Tensor& input) {
  if (input.dim() != 4 || input.size(1) != 3 || input.size(2) != arch.r || input.size(3) != arch.r)
    throw Error("input has shape " + c10::str(input.sizes()) + ", the subnet expects [N, 3, " + std::to_string(arch.r) + ", " +
                std::to_string(arch.r) + "]");
}

torch::Tensor Subnet::forward(const torch::Tensor& input) const {
  torch::NoGradGuard no_grad;
  check_input_shape(arch_, input);
  torch::Tensor x = input.to(device_, dtype_);
  for (std::size_t i = 0; i < layers_.size(); ++i) x = forward_layer(i, x);
  return x;
}

torch::Tensor Subnet::forward_collecting_bn(const torch::Tensor& input, BnStatistics& stats) const {
  torch::NoGradGuard no_grad;
  check_input_shape(arch_, input);
  torch::Tensor x = input.to(device_, dtype_);
  for (std::size_t i = 0; i < layers_.size(); ++i) x = run_layer(i, x, &stats);
  return x;
}

namespace {

// Calls fn on every tensor a layer holds (unset ones included; callers skip them).
template <class Weights, class Fn>
void for_each_tensor(Weights& w, Fn&& fn) {
  for (auto* t : {&w.expand, &w.depthwise, &w.se_reduce, &w.se_reduce_bias, &w.se_expand, &w.se_expand_bias, &w.conv,
                  &w.linear, &w.linear_bias})
    fn(*t);
  for (auto* b : {&w.expand_bn, &w.depthwise_bn, &w.conv_bn})
    for (auto* t : {&b->weight, &b->bias, &b->mean, &b->var}) fn(*t);
}

}  // namespace

void Subnet::to(const torch::Device& device) {
  for (auto& w : weights_)
    for_each_tensor(w, [&device](torch::Tensor& t) {
      if (t.defined()) t = t.to(device);
    });
  device_ = device;
}

Subnet Subnet::with_dtype(torch::ScalarType dtype) const {
  Subnet copy = *this;
  for (auto& w : copy.weights_)
    for_each_tensor(w, [dtype](torch::Tensor& t) {
      if (t.defined()) t = t.to(dtype);
    });
  copy.dtype_ = dtype;
  return copy;
}

void Subnet::for_each_weight(const std::function<void(const torch::Tensor&)>& fn) const {
  for (const auto& w : weights_)
    for_each_tensor(w, [&fn](const torch::Tensor& t) {
      if (t.defined()) fn(t);
    });
}

std::int64_t Subnet::weight_bytes() const {
  std::int64_t bytes = 0;
  for_each_weight([&bytes](const torch::Tensor& t) { bytes += t.numel() * static_cast<std::int64_t>(t.element_size()); });
  return bytes;
}

void check_bn_file(const std::map<std::string, torch::Tensor>& bn, const Subnet& subnet, const std::string& where) {
  std::map<std::string, std::int64_t> channels;  // the subnet's BatchNorms by supernet name
  for (const LayerWeights& w : subnet.weights())
    for (const BatchNorm* b : {&w.expand_bn, &w.depthwise_bn, &w.conv_bn})
      if (!b->key.empty() && b->mean.defined()) channels[b->key] = b->mean.size(0);
  std::map<std::string, int> seen;
  for (const auto& [key, value] : bn) {
    const std::size_t dot = key.rfind('.');
    const std::string name = dot == std::string::npos ? key : key.substr(0, dot);
    const std::string stat = dot == std::string::npos ? "" : key.substr(dot + 1);
    const auto it = channels.find(name);
    if (it == channels.end() || (stat != "running_mean" && stat != "running_var"))
      throw Error(where + ": tensor '" + key + "' is not a statistic of a BatchNorm of this architecture (" + to_string(subnet.arch()) +
                  "); is it the BN file of another one?");
    if (value.numel() != it->second)
      throw Error(where + ": tensor '" + key + "' has " + std::to_string(value.numel()) + " entries, this architecture's BatchNorm has " +
                  std::to_string(it->second) + " channels; is it the BN file of another architecture?");
    ++seen[name];
  }
  for (const auto& [name, c] : channels)
    if (seen[name] != 2) throw Error(where + ": lacks running_mean or running_var of BatchNorm '" + name + "' (" + std::to_string(c) + " channels)");
}

}  // namespace ofa::runtime
