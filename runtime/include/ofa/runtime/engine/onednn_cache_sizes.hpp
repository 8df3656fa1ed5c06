// What oneDNN believes this CPU's caches are, and the correction this build applies when it is
// absurd (docs/engines.md: on an AMD EPYC VM whose CPUID leaf 0x8000001D is all zeros, oneDNN
// 3.7 reads every per-core cache as 1 byte, and its sum primitive divides by zero).
#pragma once
#include <string>
#include <vector>

namespace ofa::runtime {

struct OnednnCacheLevel {
  int level = 0;            // 1, 2, 3
  unsigned onednn = 0;      // bytes per core as oneDNN's own query answers
  unsigned served = 0;      // bytes per core oneDNN is given (differs only when corrected)
  std::string source;       // "oneDNN", or where the correction came from
};

struct OnednnCacheReport {
  // False where oneDNN is not a separate shared library this process can reach (LibTorch 1.13
  // bundles its own, hidden; aarch64 builds): nothing is corrected there.
  bool applies = false;
  std::vector<OnednnCacheLevel> levels;
  // True when some level was corrected.
  bool corrected() const;
  // One line: "oneDNN's cache sizes as read (L1 48 KiB, ...)" or what was corrected and why.
  std::string describe() const;
};

// The report, computed once per process (the same values oneDNN is served).
const OnednnCacheReport& onednn_cache_report();

}  // namespace ofa::runtime
