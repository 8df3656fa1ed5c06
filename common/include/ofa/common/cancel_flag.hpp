// A request to stop, handed by a host to long work: Ctrl-C in the tools, an application's own
// flag through the API. One type for it everywhere, so a loop checks it one way.
#pragma once
#include <atomic>

#include "ofa/common/error.hpp"

namespace ofa::common {

// A view of the host's flag (which outlives the work); a default-constructed one is never set.
class CancelFlag {
 public:
  CancelFlag() = default;
  explicit CancelFlag(const std::atomic<bool>& flag) : flag_(&flag) {}

  bool requested() const noexcept { return flag_ != nullptr && flag_->load(std::memory_order_relaxed); }
  // Error("interrupted") once requested: long loops call it between items, where stopping
  // leaves nothing half-written.
  void check() const {
    if (requested()) throw Error("interrupted");
  }

 private:
  const std::atomic<bool>* flag_ = nullptr;
};

}  // namespace ofa::common
