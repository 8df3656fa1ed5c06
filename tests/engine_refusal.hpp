// The golden tests of an engine on a machine where it failed its check: the tests check that it
// is refused there with its reason (and say so), instead of failing on its wrong answers or dying
// with it. Include after catch.hpp (it uses Catch's macros).
#pragma once
#include <string>

#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/engine_check.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "torch_test_support.hpp"

namespace ofa::test {

// True when `kind` passed its check here. Otherwise checks that building one is refused naming
// the verdict's reason, warns with it, and returns false: the caller skips what it would serve.
inline bool engine_right_here(runtime::EngineKind kind) {
  const runtime::EngineVerdict v = runtime::EngineVerdicts::registry().verdict(kind);
  if (v.right) return true;
  WARN(std::string("refused on this machine, so its golden cases are not run: ") + v.reason);
  CHECK_THROWS_WITH(runtime::Engine(runtime::Subnet::random(w12(), runtime::check_arch(), 1), kind), contains(v.reason));
  return false;
}

}  // namespace ofa::test
