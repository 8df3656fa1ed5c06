#include "ofa/common/build_description.hpp"

#include "ofa/common/machine_description.hpp"
#include "ofa_build_config.hpp"  // configure_file: OFA_BUILD_* (common/CMakeLists.txt)

namespace ofa::common {

std::string build_description() {
#if defined(__clang__)
  const std::string compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  const std::string compiler = "GCC " __VERSION__;
#else
  const std::string compiler = "an unknown compiler";
#endif
  return std::string("ofa-toolchain ") + OFA_BUILD_VERSION + ", commit " + OFA_BUILD_COMMIT + " (at configure time), " + OFA_BUILD_TYPE + ", " +
         compiler + ", flags " + OFA_BUILD_FLAGS;
}

std::string benchmark_header(const std::string& program, const std::string& libraries) {
  return program + ": build: " + build_description() + (libraries.empty() ? "" : "; " + libraries) + "\n" + program +
         ": machine: " + host_description() + "\n";
}

}  // namespace ofa::common
