// The layer enumeration: the one place that knows the network's shape (LUT keys, MACs, params, modules).
#pragma once
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/search_space.hpp"

namespace ofa::common {

enum class LayerKind {
  FirstConv,    // 3x3 stride-2 conv + BN + h-swish
  FirstBlock,   // depthwise 3x3 + BN + ReLU, 1x1 project + BN, residual (no expansion)
  Block,        // elastic MBConv: 1x1 expand, depthwise kxk, optional SE, 1x1 project
  FinalExpand,  // 1x1 conv + BN + h-swish
  AvgPool,      // global average pool
  FeatureMix,   // 1x1 conv (no BN) + h-swish on the pooled vector
  Classifier,   // linear
};

// One layer of a subnet with every shape its consumers need: the LUT key, the MAC and
// parameter counts and the LibTorch builder all read these fields and nothing else.
struct LayerSpec {
  LayerKind kind = LayerKind::Block;
  int in_hw = 0, in_c = 0;    // input: in_hw x in_hw x in_c
  int out_hw = 0, out_c = 0;  // output
  int kernel = 1, stride = 1;
  int expand_ratio = 1;       // blocks only
  int mid_c = 0;              // expanded channels as built: make_divisible(round(in_c * e), 8)
  int lut_mid = 0;            // expanded channels as OFA's LUT keys name them: round(in_c * e)
  int se_c = 0;               // SE reduction channels, 0 without SE
  bool hswish = false;        // activation is h-swish (else ReLU)
  bool residual = false;      // identity shortcut (stride 1 and in_c == out_c)
  int stage = -1;             // 0..4 for elastic blocks
  int block = -1;             // elastic block index 0..19 (supernet block block + 1)
};

// Spatial size after a "same"-padded conv of odd kernel: (h - 1) / stride + 1.
inline int conv_out(int hw, int stride) { return (hw - 1) / stride + 1; }

// Every layer of `arch`, in execution order. The arch must be valid for the space.
std::vector<LayerSpec> enumerate_layers(const SearchSpace& space, const ArchConfig& arch);

// The layers that do not depend on the elastic choices, at resolution r: the first conv
// and first block (the stem), and the final expand, pool, feature mix and classifier (the head).
std::vector<LayerSpec> stem_layers(const SearchSpace& space, int r);
std::vector<LayerSpec> head_layers(const SearchSpace& space, int r);

// Elastic block `block` (0..19) at resolution r with kernel ks and expand ratio e. Its shape
// does not depend on the other blocks' choices: this is what makes per-layer tables additive.
LayerSpec block_layer(const SearchSpace& space, int r, int block, int ks, int e);

// OFA's latency look-up-table key of a layer (`expanded_conv-input:...`).
std::string lut_key(const LayerSpec& layer);

// Multiply-accumulates and parameters of one layer, exactly, counted as OFA's
// count_net_flops / count_parameters count them on the extracted subnet at batch 1: conv and
// linear layers (SE included); parameters include BN weights and biases and conv/linear biases.
double layer_macs(const LayerSpec& layer);
double layer_params(const LayerSpec& layer);

struct Complexity {
  double macs = 0;    // multiply-accumulates
  double params = 0;  // parameters
};
// A subnet's totals as OFA reports them: per-module counts summed in float32 in module order,
// so totals above 2^24 carry float32 rounding (843101056 where the exact count is 843101040).
// Use the exact per-layer sums (layer_macs) where the rounding is unwanted.
Complexity complexity(const std::vector<LayerSpec>& layers);

// Every distinct layer (by LUT key) the space can produce at resolution r: what a per-layer table times.
std::vector<LayerSpec> distinct_layers(const SearchSpace& space, int r);

}  // namespace ofa::common
