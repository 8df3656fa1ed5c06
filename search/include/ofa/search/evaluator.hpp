// Evaluator: everything one architecture is scored by (predictor, table, MACs, params).
#pragma once
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "ofa/common/search_space.hpp"
#include "ofa/search/accuracy_predictor.hpp"
#include "ofa/search/blockwise_table.hpp"
#include "ofa/search/latency_table.hpp"

namespace ofa::search {

struct Evaluation {
  float predicted_accuracy = std::numeric_limits<float>::quiet_NaN();  // NaN without a predictor
  double latency_ms = std::numeric_limits<double>::quiet_NaN();        // NaN without a LUT
  double macs_m = 0;
  double params_m = 0;
};

// Everything one architecture is scored by: the accuracy predictor and LUT when the
// profile has them, MACs and parameters always.
class Evaluator {
 public:
  Evaluator(common::SearchSpace space, std::optional<AccuracyPredictor> predictor, std::optional<LatencyTable> lut);

  // Archs must be valid for the space (Error otherwise, naming the first bad value).
  std::vector<Evaluation> evaluate(std::span<const common::ArchConfig> archs, int threads = 1) const;

  const common::SearchSpace& space() const { return space_; }
  const std::optional<AccuracyPredictor>& predictor() const { return predictor_; }
  const std::optional<LatencyTable>& lut() const { return lut_; }
  const BlockwiseTable& macs() const { return macs_; }
  const BlockwiseTable& params() const { return params_; }

 private:
  common::SearchSpace space_;
  std::optional<AccuracyPredictor> predictor_;
  std::optional<LatencyTable> lut_;
  BlockwiseTable macs_, params_;
};

}  // namespace ofa::search
