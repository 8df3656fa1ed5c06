// oneDNN sizes its work by dnnl::impl::cpu::platform::get_per_core_cache_size(level), which it
// reads from CPUID through xbyak. On an AMD CPU advertising `topoext`, xbyak decodes leaf
// 0x8000001D; a hypervisor that zeroes that leaf (seen on AMD EPYC family 26 VMs) makes every
// field 0, and the decoded size (ways+1)(partitions+1)(line+1)(sets+1) is 1 byte for each level.
// oneDNN 3.7's sum primitive then blocks its work by L1/8 = 0 elements and divides by it
// (SIGFPE in ATen's mkldnn_add_out), and oneDNN Graph's fused kernels block by the same sizes
// and compute wrong logits. The function is exported by libdnnl.so and called through its PLT,
// so a definition in the executable interposes it: this one asks oneDNN's own first (through
// RTLD_NEXT) and only replaces answers no real cache gives, with the sizes glibc reads from the
// legacy leaves (sysconf) where those are plausible, else oneDNN's own fallback guesses. Every
// other machine is served oneDNN's answer unchanged. CMake forces this object into every
// executable that links the runtime (--undefined, --export-dynamic-symbol: runtime/CMakeLists.txt).
#include "ofa/runtime/engine/onednn_cache_sizes.hpp"

#include <algorithm>
#include <string>

#if defined(__x86_64__) && defined(__linux__)
#include <dlfcn.h>
#include <unistd.h>
#define OFA_ONEDNN_CACHE_FIX 1
// The interposer (defined at the end of this file), oneDNN's own signature (src/cpu/platform.hpp).
namespace dnnl::impl::cpu::platform {
unsigned get_per_core_cache_size(int level);
}
#endif

namespace ofa::runtime {

namespace {

// Smaller than any data cache an x86-64 CPU has had (L1d is 16 KiB or more).
constexpr unsigned kSmallestPlausible = 4096;
// Larger than any cache's share per core (AMD's X3D parts: 12 MiB of L3 per core). The VM that
// zeroes leaf 0x8000001D reports 508 MiB of L3 in leaf 0x80000006: not a size to block work by.
constexpr unsigned kLargestPlausible = 16u << 20;

std::string kib(unsigned bytes) {
  return bytes >= 1024 && bytes % 1024 == 0 ? std::to_string(bytes / 1024) + " KiB" : std::to_string(bytes) + " B";
}

#ifdef OFA_ONEDNN_CACHE_FIX
constexpr const char* kSymbol = "_ZN4dnnl4impl3cpu8platform23get_per_core_cache_sizeEi";
using CacheQuery = unsigned (*)(int);

// oneDNN's fallback when xbyak finds no cache levels (src/cpu/platform.cpp's `guess`).
unsigned onednn_guess(int level) { return level == 1 ? 32u * 1024 : level == 2 ? 512u * 1024 : 1024u * 1024; }

// Per-core bytes glibc reads for `level` (from CPUID's legacy leaves on AMD); 0 if unknown.
// L3 is shared: split among the online CPUs as oneDNN does among the cores sharing it.
unsigned sysconf_per_core(int level) {
  const int name = level == 1 ? _SC_LEVEL1_DCACHE_SIZE : level == 2 ? _SC_LEVEL2_CACHE_SIZE : _SC_LEVEL3_CACHE_SIZE;
  const long bytes = ::sysconf(name);
  if (bytes <= 0) return 0;
  const long cpus = level == 3 ? std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)) : 1L;
  return static_cast<unsigned>(bytes / cpus);
}

OnednnCacheReport make_report() {
  OnednnCacheReport r;
  const auto next = reinterpret_cast<CacheQuery>(::dlsym(RTLD_NEXT, kSymbol));
  // Applies where oneDNN is loaded and its calls resolve to this file's definition (exported).
  r.applies = next != nullptr && ::dlsym(RTLD_DEFAULT, kSymbol) == reinterpret_cast<void*>(&dnnl::impl::cpu::platform::get_per_core_cache_size);
  if (!r.applies) return r;
  for (int level = 1; level <= 3; ++level) {
    OnednnCacheLevel l{level, next(level), 0, "oneDNN"};
    l.served = l.onednn;
    if (l.onednn < kSmallestPlausible && (l.onednn > 0 || level <= 2)) {
      const unsigned from_glibc = sysconf_per_core(level);
      const bool usable = from_glibc >= kSmallestPlausible && from_glibc <= kLargestPlausible;
      l.served = usable ? from_glibc : onednn_guess(level);
      l.source = usable ? "sysconf" : "oneDNN's guess";
    }
    r.levels.push_back(l);
  }
  return r;
}
#else
OnednnCacheReport make_report() { return {}; }
#endif

}  // namespace

bool OnednnCacheReport::corrected() const {
  for (const auto& l : levels)
    if (l.served != l.onednn) return true;
  return false;
}

std::string OnednnCacheReport::describe() const {
  if (!applies) return "oneDNN's cache query: not reachable in this build (nothing corrected)";
  std::string read, served;
  for (const auto& l : levels) {
    const std::string sep = read.empty() ? "" : ", ";
    read += sep + "L" + std::to_string(l.level) + " " + kib(l.onednn);
    served += sep + "L" + std::to_string(l.level) + " " + kib(l.served) + (l.served != l.onednn ? " (" + l.source + ")" : "");
  }
  if (!corrected()) return "oneDNN's per-core cache sizes: " + read + " (used as read)";
  return "oneDNN read per-core caches of " + read + " from CPUID, no real cache's sizes; it is given " + served;
}

const OnednnCacheReport& onednn_cache_report() {
  static const OnednnCacheReport report = make_report();
  return report;
}

}  // namespace ofa::runtime

#ifdef OFA_ONEDNN_CACHE_FIX
// The interposer, default visibility.
namespace dnnl::impl::cpu::platform {
unsigned get_per_core_cache_size(int level) {
  const auto& r = ofa::runtime::onednn_cache_report();
  for (const auto& l : r.levels)
    if (l.level == level) return l.served;
  // Levels the report does not cover (0, 4+): oneDNN's own answer.
  static const auto next = reinterpret_cast<ofa::runtime::CacheQuery>(::dlsym(RTLD_NEXT, ofa::runtime::kSymbol));
  return next ? next(level) : 0;
}
}  // namespace dnnl::impl::cpu::platform
#endif
