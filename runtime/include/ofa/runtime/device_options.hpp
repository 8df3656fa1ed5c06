#pragma once
#include <atomic>
#include <string>

namespace ofa::runtime {

// Shared by the measuring commands.
struct DeviceOptions {
  std::string device = "cpu";
  std::string engine = "optimized";  // eager | optimized (see engine.hpp)
  int threads = 0;  // LibTorch intra-op threads; 0: LibTorch's default
  int warmup = 10;
  int repeats = 50;
  bool quiet = false;
  const std::atomic<bool>* cancel = nullptr;
};

// Error naming the flag when a setting is out of range (or the engine unknown).
void check_device_options(const DeviceOptions& options);
// Error("interrupted") once `options.cancel` is set: long loops call it between items.
void check_cancel(const DeviceOptions& options);

// Applies --threads to LibTorch and returns the thread count in effect.
int apply_threads(int threads);

}  // namespace ofa::runtime
