#pragma once
// Shared by the tests that link LibTorch.
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/supernet.hpp"
#include "test_support.hpp"

namespace ofa::test {

inline const common::SearchSpace& w12() {
  static const common::SearchSpace s = common::search_space("ofa-mbv3-w1.2");
  return s;
}

// The golden fixtures' supernet, loaded once.
inline const runtime::Supernet& golden_supernet() {
  static const runtime::Supernet s = runtime::Supernet::load(data_dir() / "golden/supernet_fp16.pt", w12());
  return s;
}

}  // namespace ofa::test
