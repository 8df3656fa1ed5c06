#include "ofa/runtime/measure/call_timing.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <thread>

#include <torch/cuda.h>
#include <unistd.h>

#include "ofa/common/error.hpp"

namespace ofa::runtime {

TimingStats time_calls(const std::function<void()>& run, const TimingOptions& o) {
  const bool cuda = o.device.is_cuda();
  auto sync = [cuda] {
    if (cuda) torch::cuda::synchronize();
  };
  for (int i = 0; i < o.warmup; ++i) run();
  sync();
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(o.repeats));
  for (int i = 0; i < o.repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    sync();
    samples.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return summarize(std::move(samples));
}

double time_one_call(const std::function<void()>& run, const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize();
  const auto t0 = std::chrono::steady_clock::now();
  run();
  if (device.is_cuda()) torch::cuda::synchronize();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace ofa::runtime
