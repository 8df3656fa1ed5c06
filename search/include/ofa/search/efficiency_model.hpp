// The quantity a search constrains and minimises: table latency or MACs.
#pragma once
#include <string>

#include "ofa/common/profile.hpp"
#include "ofa/search/blockwise_table.hpp"
#include "ofa/search/evaluator.hpp"

namespace ofa::search {

// The quantity a search constrains and minimises: LUT latency (ms) or MACs (millions).
// A view over a table the Evaluator owns.
class EfficiencyModel {
 public:
  // Error when the metric is latency and the evaluator has no LUT.
  EfficiencyModel(const Evaluator& evaluator, common::Metric metric);

  double operator()(const common::ArchConfig& arch) const { return (*table_)(arch); }
  const BlockwiseTable& table() const { return *table_; }
  common::Metric metric() const { return metric_; }
  const char* unit() const { return metric_ == common::Metric::Latency ? "ms" : "MMACs"; }

 private:
  const BlockwiseTable* table_;
  common::Metric metric_;
};

}  // namespace ofa::search
