// OFA's MLP accuracy predictor on Eigen.
#pragma once
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "ofa/common/arch_config.hpp"
#include "ofa/search/mlp_weights.hpp"

namespace ofa::search {

// OFA's MLP accuracy predictor on Eigen, float32. The input is the 128-value one-hot
// encoding, so the first layer is a sum of weight columns (at most 41), and the hidden
// layers run as matrix products over a block of candidates.
class AccuracyPredictor {
 public:
  // Checks the shapes (first layer 128 inputs, chained sizes, one output); Error otherwise.
  explicit AccuracyPredictor(MlpWeights weights);

  // Scores `archs` into `out` (same length). Candidates are processed in fixed blocks of
  // kBlock rows, spread over `threads` OpenMP threads (0: the OpenMP default); a candidate's
  // score does not depend on the thread count.
  void predict(std::span<const common::ArchConfig> archs, std::span<float> out, int threads = 1) const;
  float predict(const common::ArchConfig& arch) const;

  // Floating-point operations of one evaluation (for throughput reports).
  double flops_per_candidate() const;
  const std::string& source() const { return source_; }

  static constexpr int kBlock = 32;

 private:
  using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  void predict_block(std::span<const common::ArchConfig> archs, std::span<float> out, RowMatrix& a,
                     RowMatrix& b) const;

  RowMatrix first_t_;                  // [128 x hidden0]: row j is input j's column of W0
  Eigen::VectorXf first_bias_;         // [hidden0]
  std::vector<RowMatrix> hidden_t_;    // W^T of the layers after the first, [in x out]
  std::vector<Eigen::VectorXf> hidden_bias_;
  std::string source_;
};

}  // namespace ofa::search
