// A per-layer quantity summed over a subnet's layers, precomputed per block for fast search.
#pragma once
#include <array>
#include <functional>
#include <limits>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/layers.hpp"

namespace ofa::search {

// A per-layer quantity summed over a subnet's layers (LUT latency, MACs): for each
// resolution, the fixed layers' total plus one value per (block, kernel, expand ratio).
// Built once from the layer enumeration; evaluating a candidate is 21 array reads.
class BlockwiseTable {
 public:
  using LayerValue = std::function<double(int r, const common::LayerSpec&)>;

  BlockwiseTable() = default;
  // `value(r, layer)` is called once for every layer the space can produce at each of its
  // resolutions r.
  BlockwiseTable(const common::SearchSpace& space, const LayerValue& value);

  // The sum over the layers of `arch`, in the order OFA sums them (stem, blocks, head).
  // The arch must be in the space; resolutions not in it give NaN.
  double operator()(const common::ArchConfig& arch) const;

  // The smallest and largest value any architecture of the space can have.
  double min_value() const { return min_; }
  double max_value() const { return max_; }
  // The smallest value at resolution r.
  double min_value_at(int r) const;

  // Contribution of one block choice; NaN for choices outside the space.
  double block_value(int r, int block, int ks, int e) const;
  double stem_value(int r) const;
  double head_value(int r) const;

 private:
  static int ks_slot(int ks) { return ks == 3 ? 0 : ks == 5 ? 1 : ks == 7 ? 2 : -1; }
  static int e_slot(int e) { return e == 3 ? 0 : e == 4 ? 1 : e == 6 ? 2 : -1; }
  double extreme_at(const common::SearchSpace& space, int ri, bool largest) const;
  std::size_t cell(int ri, int block, int ks, int e) const {
    return ((static_cast<std::size_t>(ri) * common::kBlocks + block) * 3 + ks_slot(ks)) * 3 + e_slot(e);
  }

  std::array<int, 512> r_index_{};  // resolution -> row, -1 when absent
  std::vector<double> stem_, head_;
  std::vector<double> blocks_;  // [resolution][block][ks slot][e slot]
  std::vector<double> min_at_;
  double min_ = std::numeric_limits<double>::quiet_NaN();
  double max_ = std::numeric_limits<double>::quiet_NaN();
};

// MACs in millions, from layer_macs.
BlockwiseTable macs_table(const common::SearchSpace& space);
// Parameters in millions, from layer_params (the same at every resolution).
BlockwiseTable params_table(const common::SearchSpace& space);

}  // namespace ofa::search
