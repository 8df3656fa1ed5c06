#include "ofa/common/layers.hpp"

#include <set>

#include "ofa/common/error.hpp"

namespace ofa::common {

namespace {

int first_hw(int r) { return conv_out(r, 2); }

// Spatial size and channels entering stage s at resolution r.
int stage_in_hw(const SearchSpace& space, int r, int stage) {
  int hw = first_hw(r);
  for (int s = 0; s < stage; ++s) hw = conv_out(hw, space.stage_stride[s]);
  return hw;
}

int final_hw(const SearchSpace& space, int r) { return stage_in_hw(space, r, kStages); }

}  // namespace

LayerSpec block_layer(const SearchSpace& space, int r, int block, int ks, int e) {
  const int stage = block / kMaxDepth;
  const bool first = block % kMaxDepth == 0;
  LayerSpec l;
  l.kind = LayerKind::Block;
  l.stage = stage;
  l.block = block;
  l.in_hw = stage_in_hw(space, r, stage);
  l.stride = first ? space.stage_stride[stage] : 1;
  if (!first) l.in_hw = conv_out(l.in_hw, space.stage_stride[stage]);
  l.out_hw = conv_out(l.in_hw, l.stride);
  l.in_c = first ? (stage == 0 ? space.first_block_width : space.stage_width[stage - 1])
                 : space.stage_width[stage];
  l.out_c = space.stage_width[stage];
  l.kernel = ks;
  l.expand_ratio = e;
  l.lut_mid = l.in_c * e;
  l.mid_c = make_divisible(l.in_c * e);
  l.se_c = space.stage_se[stage] ? make_divisible(l.mid_c / 4) : 0;
  l.hswish = space.stage_hswish[stage];
  l.residual = l.stride == 1 && l.in_c == l.out_c;
  return l;
}

std::vector<LayerSpec> stem_layers(const SearchSpace& space, int r) {
  LayerSpec conv;
  conv.kind = LayerKind::FirstConv;
  conv.in_hw = r;
  conv.in_c = 3;
  conv.out_hw = first_hw(r);
  conv.out_c = space.first_conv_width;
  conv.kernel = 3;
  conv.stride = 2;
  conv.hswish = true;

  LayerSpec fb;
  fb.kind = LayerKind::FirstBlock;
  fb.in_hw = fb.out_hw = conv.out_hw;
  fb.in_c = space.first_conv_width;
  fb.out_c = space.first_block_width;
  fb.kernel = 3;
  fb.expand_ratio = 1;
  fb.mid_c = fb.lut_mid = fb.in_c;
  fb.residual = fb.in_c == fb.out_c;
  return {conv, fb};
}

std::vector<LayerSpec> head_layers(const SearchSpace& space, int r) {
  const int hw = final_hw(space, r);
  LayerSpec fe;
  fe.kind = LayerKind::FinalExpand;
  fe.in_hw = fe.out_hw = hw;
  fe.in_c = space.stage_width[kStages - 1];
  fe.out_c = space.final_expand_width;
  fe.hswish = true;

  LayerSpec pool;
  pool.kind = LayerKind::AvgPool;
  pool.in_hw = hw;
  pool.out_hw = 1;
  pool.in_c = pool.out_c = space.final_expand_width;

  LayerSpec mix;
  mix.kind = LayerKind::FeatureMix;
  mix.in_hw = mix.out_hw = 1;
  mix.in_c = space.final_expand_width;
  mix.out_c = space.feature_mix_width;
  mix.hswish = true;

  LayerSpec fc;
  fc.kind = LayerKind::Classifier;
  fc.in_hw = fc.out_hw = 1;
  fc.in_c = space.feature_mix_width;
  fc.out_c = space.num_classes;
  return {fe, pool, mix, fc};
}

std::vector<LayerSpec> enumerate_layers(const SearchSpace& space, const ArchConfig& arch) {
  validate(space, arch);
  std::vector<LayerSpec> layers = stem_layers(space, arch.r);
  for (int i = 0; i < kBlocks; ++i) {
    if (arch.active(i)) layers.push_back(block_layer(space, arch.r, i, arch.ks[i], arch.e[i]));
  }
  for (auto& l : head_layers(space, arch.r)) layers.push_back(l);
  return layers;
}

std::string lut_key(const LayerSpec& l) {
  auto hwc = [](int hw, int c) {
    return std::to_string(hw) + "x" + std::to_string(hw) + "x" + std::to_string(c);
  };
  switch (l.kind) {
    case LayerKind::FirstConv:
      return "Conv-input:" + hwc(l.in_hw, l.in_c) + "-output:" + hwc(l.out_hw, l.out_c);
    case LayerKind::FirstBlock:
    case LayerKind::Block:
      return "expanded_conv-input:" + hwc(l.in_hw, l.in_c) + "-output:" + hwc(l.out_hw, l.out_c) +
             "-expand:" + std::to_string(l.lut_mid) + "-kernel:" + std::to_string(l.kernel) +
             "-stride:" + std::to_string(l.stride) + "-idskip:" + (l.residual ? "1" : "0") +
             "-se:" + (l.se_c > 0 ? "1" : "0") + "-hs:" + (l.hswish ? "1" : "0");
    case LayerKind::FinalExpand:
      return "Conv_1-input:" + hwc(l.in_hw, l.in_c) + "-output:" + hwc(l.out_hw, l.out_c);
    case LayerKind::AvgPool:
      return "AvgPool2D-input:" + hwc(l.in_hw, l.in_c) + "-output:" + hwc(1, l.out_c);
    case LayerKind::FeatureMix:
      return "Conv_2-input:" + hwc(1, l.in_c) + "-output:" + hwc(1, l.out_c);
    case LayerKind::Classifier:
      return "Logits-input:" + hwc(1, l.in_c) + "-output:" + std::to_string(l.out_c);
  }
  throw Error("lut_key: unknown layer kind");
}

namespace {

// Calls fn(macs, params) once per leaf module that OFA's profiler hooks, in the order
// `model.modules()` visits them (conv, then its BN, ...). BN and activations have no MACs.
template <class Fn>
void for_each_module(const LayerSpec& l, Fn&& fn) {
  const double in_px = double(l.in_hw) * l.in_hw;
  const double out_px = double(l.out_hw) * l.out_hw;
  auto conv_bn = [&](double px, double cin_per_group, double cout, int k, double groups_out) {
    fn(px * groups_out * cin_per_group * k * k, cin_per_group * cout * k * k);  // conv, no bias
    fn(0.0, 2.0 * cout);                                                     // BN weight and bias
  };
  switch (l.kind) {
    case LayerKind::FirstConv:
      conv_bn(out_px, l.in_c, l.out_c, l.kernel, l.out_c);
      return;
    case LayerKind::FirstBlock:
      conv_bn(out_px, 1, l.mid_c, l.kernel, l.mid_c);
      conv_bn(out_px, l.mid_c, l.out_c, 1, l.out_c);
      return;
    case LayerKind::Block:
      conv_bn(in_px, l.in_c, l.mid_c, 1, l.mid_c);          // inverted bottleneck
      conv_bn(out_px, 1, l.mid_c, l.kernel, l.mid_c);       // depthwise
      if (l.se_c > 0) {                                     // SE: 1x1 convs with bias on the pooled vector
        fn(double(l.mid_c) * l.se_c, double(l.mid_c) * l.se_c + l.se_c);
        fn(double(l.se_c) * l.mid_c, double(l.se_c) * l.mid_c + l.mid_c);
      }
      conv_bn(out_px, l.mid_c, l.out_c, 1, l.out_c);        // point linear
      return;
    case LayerKind::FinalExpand:
      conv_bn(out_px, l.in_c, l.out_c, 1, l.out_c);
      return;
    case LayerKind::AvgPool:
      return;
    case LayerKind::FeatureMix:
      fn(double(l.in_c) * l.out_c, double(l.in_c) * l.out_c);  // no bias, no BN
      return;
    case LayerKind::Classifier:
      fn(double(l.in_c) * l.out_c, double(l.in_c) * l.out_c + l.out_c);
      return;
  }
}

}  // namespace

double layer_macs(const LayerSpec& l) {
  double m = 0;
  for_each_module(l, [&m](double macs, double) { m += macs; });
  return m;
}

double layer_params(const LayerSpec& l) {
  double p = 0;
  for_each_module(l, [&p](double, double params) { p += params; });
  return p;
}

Complexity complexity(const std::vector<LayerSpec>& layers) {
  // OFA's profiler keeps each module's count in a float32 buffer and sums them in float32,
  // so its totals above 2^24 are rounded; we reproduce that to give the same numbers.
  float macs = 0, params = 0;
  for (const auto& l : layers) {
    for_each_module(l, [&](double m, double p) {
      macs += static_cast<float>(m);
      params += static_cast<float>(p);
    });
  }
  return {static_cast<double>(macs), static_cast<double>(params)};
}

std::vector<LayerSpec> distinct_layers(const SearchSpace& space, int r) {
  std::vector<LayerSpec> out;
  std::set<std::string> keys;
  auto add = [&](const LayerSpec& l) {
    if (keys.insert(lut_key(l)).second) out.push_back(l);
  };
  for (const auto& l : stem_layers(space, r)) add(l);
  for (int b = 0; b < kBlocks; ++b)
    for (int ks : space.kernel_choices(b / kMaxDepth))
      for (int e : space.e_choices) add(block_layer(space, r, b, ks, e));
  for (const auto& l : head_layers(space, r)) add(l);
  return out;
}

}  // namespace ofa::common
