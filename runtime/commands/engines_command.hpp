// ofa-runtime engines: every engine of this build and its verdict on this machine (engine_verdicts.hpp).
#pragma once
#include <string>

#include "ofa/common/reporter.hpp"

namespace ofa::runtime {

struct EnginesOptions {
  std::string device = "cpu";
  std::string ort_provider = "cpu";
  bool recheck = false;  // check again, ignoring kept verdicts
};

// The verdicts as a table, then the machine they hold for, oneDNN's cache sizes and where they
// are kept. Notes (a check starting, engines refused) go through `reporter`.
std::string run_engines(const EnginesOptions& options, const common::Reporter& reporter);

}  // namespace ofa::runtime
