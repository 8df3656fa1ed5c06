// The search spaces (OFA MobileNetV3 w1.2 and w1.0, CompOFA): their choices and resolutions.
#pragma once
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ofa::common {

inline constexpr int kStages = 5;
inline constexpr int kMaxDepth = 4;
inline constexpr int kBlocks = kStages * kMaxDepth;

// OFA's make_divisible(v, 8): round to the nearest multiple of 8, never below 8 and
// never more than 10 % down.
int make_divisible(double v, int divisor = 8);

// The widths and the elastic choices of one OFA MobileNetV3 space. A value type: copy it
// freely; build it with `search_space(name)`.
struct SearchSpace {
  std::string name;
  int first_conv_width = 0;
  int first_block_width = 0;
  std::array<int, kStages> stage_width{};
  int final_expand_width = 0;
  int feature_mix_width = 0;
  int num_classes = 1000;
  std::array<int, kStages> stage_stride{2, 2, 2, 1, 2};
  std::array<bool, kStages> stage_se{false, true, false, true, true};
  std::array<bool, kStages> stage_hswish{false, false, true, true, true};

  std::vector<int> ks_choices;   // allowed kernel sizes of an elastic block
  std::vector<int> e_choices;    // allowed expand ratios
  std::vector<int> d_choices;    // allowed stage depths
  std::vector<int> resolutions;  // allowed input resolutions

  // CompOFA: a stage's depth fixes the expand ratio of all its blocks (d -> e).
  bool compound = false;
  std::array<int, kMaxDepth + 1> compound_e_for_depth{};  // index d
  // CompOFA without elastic kernels: one kernel size per stage.
  std::optional<std::array<int, kStages>> fixed_kernel;

  // Kernel sizes allowed in stage s (the fixed one, or ks_choices): a view, because random
  // sampling and mutation ask for it per block of every candidate.
  std::span<const int> kernel_choices(int stage) const;
  bool has_resolution(int r) const;
};

// Names: "ofa-mbv3-w1.2", "ofa-mbv3-w1.0", "compofa-mbv3-w1.2". `elastic_kernel` frees
// CompOFA's per-stage kernel (it is an error for the OFA spaces, whose kernels are
// always elastic).
SearchSpace search_space(std::string_view name, bool elastic_kernel = false);
std::vector<std::string> search_space_names();

}  // namespace ofa::common
