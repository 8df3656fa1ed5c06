// `ofa-measure latency-model`: a latency model of this device fitted from whole networks measured here.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ofa/runtime/measure/device_options.hpp"
#include "ofa/common/reporter.hpp"

namespace ofa::runtime {

// `ofa-measure latency-model`: sample networks spread over the space's latency range, measure
// them end to end in interleaved rounds, fit the latency model (search/latency_model.hpp) on
// two thirds of them and report on the other third, against the per-layer table and its
// linear calibration and beside the machine's retest floor. Writes DIR whole or not at all:
// <r>_lookup_table.json (OFA's layout: a profile's `lut` can point at DIR), quality.yaml,
// quality.svg and networks.yaml (every network, its measurement and its split).
struct LatencyModelOptions {
  // device, engine, threads, warmup (per network, before the first round), repeats (calls per network per round)
  DeviceOptions device{.warmup = 3, .repeats = 5};
  std::string space = "ofa-mbv3-w1.2";
  std::vector<int> resolutions = {160, 176, 192, 208, 224};  // OFA's search resolutions
  std::optional<std::filesystem::path> lut;  // the per-layer table to start from (else MACs)
  int networks = 90;
  int rounds = 6;
  std::optional<double> budget_minutes;  // fewer rounds (then fewer calls) to fit; an Error if even 2 rounds do not
  std::uint64_t seed = 0;
  double regularization = 0.1;
  std::string pin_cpus;          // "0,1": the process's CPU affinity while measuring ("" leaves it)
  bool force = false;
  std::filesystem::path out;
};
std::string run_latency_model(const LatencyModelOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
