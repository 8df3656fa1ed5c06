// `ofa-measure lut`: this device's per-layer latency table in OFA's layout.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ofa/common/layers.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/measure/device_options.hpp"
#include "ofa/common/reporter.hpp"

namespace ofa::runtime {

// `ofa-measure lut`: a latency table in OFA's layout, one layer at a time.
struct BuildLutOptions {
  DeviceOptions device;
  std::string space = "ofa-mbv3-w1.2";
  bool elastic_kernel = false;
  std::vector<int> resolutions;  // empty: the space's
  std::filesystem::path out_dir;
  bool resume = false;
  // Interleaved rounds, as `ofa-measure latency`: the repeats spread over `rounds`, layers of
  // a chunk of 32 timed once per round in a shuffled order; measurement.yaml in out_dir says
  // the half-split noise per resolution.
  int rounds = 5;
  std::uint64_t seed = 0;
  std::string pin_cpus;  // CPU affinity while measuring ("" leaves it)
};

// Writes out_dir/<r>_lookup_table.json per resolution. Progress is kept per layer in
// out_dir/.<r>_lookup_table.partial.json, so an interrupted run resumes where it stopped.
void run_build_lut(const BuildLutOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
