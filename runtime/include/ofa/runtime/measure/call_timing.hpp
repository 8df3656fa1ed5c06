// Timing calls end to end (CUDA synchronised around each).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

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

}  // namespace ofa::runtime
