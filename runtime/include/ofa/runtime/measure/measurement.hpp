// Timing one call end to end (CUDA synchronised), the device by name, and the machine's description.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "ofa/common/machine_description.hpp"
#include "ofa/common/timing_stats.hpp"

namespace ofa::runtime {

using common::TimingStats;
using common::summarize;

struct TimingOptions {
  torch::Device device = torch::kCPU;
  int warmup = 10;
  int repeats = 50;
};

// Times `run` (one forward) `repeats` times after `warmup` calls, synchronising CUDA
// around each call so the time is end to end.
TimingStats time_calls(const std::function<void()>& run, const TimingOptions& options);

// Milliseconds of one call of `run`, CUDA synchronised before and after.
double time_one_call(const std::function<void()>& run, const torch::Device& device);
// Parses "cpu", "cuda", "cuda:1"; Error when CUDA is asked for and not available.
torch::Device parse_device(const std::string& text);

// The machine, for result headers: host name, CPU model, core count (common/machine_description.hpp).
using common::machine_description;

}  // namespace ofa::runtime
