// The largest counts any flag, profile or file may ask for, checked before anything is allocated or started.
#pragma once
#include <cstdint>

namespace ofa::common {

// Threads: far above any board this toolchain targets, far below what makes thread creation
// fail (libgomp's "Thread creation failed") or a pool of threads hang the process.
inline constexpr int kMaxThreads = 1024;
// A batch of images or frames: 4096 at 224 px is 2.4 GB of float32 input alone.
inline constexpr int kMaxBatch = 4096;
// Counts of items a command holds at once (population, networks, images, levels).
inline constexpr std::int64_t kMaxCount = 1'000'000;

}  // namespace ofa::common
