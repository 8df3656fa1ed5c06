// One libFuzzer binary per reader: OFA_FUZZ_TARGET names it (see fuzz_target.hpp).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ofa::fuzz::Target target = [] {
    const auto t = ofa::fuzz::parse_target(OFA_FUZZ_TARGET);
    if (!t) std::abort();
    return *t;
  }();
  ofa::fuzz::run_one(target, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
