// Predicted accuracy cached by the canonical architecture.
#pragma once
#include <span>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/search/accuracy_predictor.hpp"

namespace ofa::search {

// Predicted accuracy keyed by the packed canonical config, so a repeated architecture is
// scored once. Scores do not depend on which other candidates share a batch (the predictor
// works in fixed-shape blocks), so the cache changes speed only, never results.
// Open addressing over a power-of-two table; entries are kept in first-seen order, which
// makes the cache also the archive of everything scored.
class ScoreCache {
 public:
  struct Entry {
    common::ArchConfig arch;
    float accuracy;
  };

  ScoreCache(const AccuracyPredictor& predictor, int threads);

  // Fills `out` for `archs`, predicting the ones not seen before in one batch.
  void score(std::span<const common::ArchConfig> archs, std::span<float> out);

  const std::vector<Entry>& entries() const { return entries_; }  // first-seen order
  long evaluations() const { return static_cast<long>(entries_.size()); }  // predictor calls
  long lookups() const { return lookups_; }

 private:
  // Index of the entry for `key`, inserting a pending one (accuracy unset) if absent.
  std::size_t find_or_insert(const common::ArchKey& key, const common::ArchConfig& arch, bool& inserted);
  void grow();

  const AccuracyPredictor& predictor_;
  int threads_;
  std::vector<common::ArchKey> keys_;  // slot -> key
  std::vector<std::int32_t> slots_;    // slot -> entry index, -1 when empty
  std::vector<Entry> entries_;
  std::vector<common::ArchConfig> misses_;
  std::vector<std::size_t> miss_entries_;
  std::vector<float> miss_scores_;
  std::vector<std::size_t> index_;
  long lookups_ = 0;
};

}  // namespace ofa::search
