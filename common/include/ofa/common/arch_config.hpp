// One architecture of a space ({ks, e, d, r}), its canonical form and its checks against the space.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "ofa/common/search_space.hpp"

namespace ofa::common {

// One subnet of an OFA MobileNetV3 space: per-block kernel size and expand ratio, per-stage
// depth, input resolution. Block i belongs to stage i / 4 and is active when i % 4 < d[i / 4];
// the values of inactive blocks mean nothing, so equality and hashing ignore them.
struct ArchConfig {
  std::array<int, kBlocks> ks{};
  std::array<int, kBlocks> e{};
  std::array<int, kStages> d{};
  int r = 0;

  bool active(int block) const { return block % kMaxDepth < d[block / kMaxDepth]; }
  // The same network with inactive blocks' values set to 0.
  ArchConfig canonical() const;
  std::size_t hash() const;
  friend bool operator==(const ArchConfig& a, const ArchConfig& b);
  friend bool operator!=(const ArchConfig& a, const ArchConfig& b) { return !(a == b); }
};

struct ArchConfigHash {
  std::size_t operator()(const ArchConfig& a) const { return a.hash(); }
};

// A config packed into 32 bytes (4 bits per value, inactive blocks 0): equal keys <=> equal
// networks. Hot loops hash and compare these instead of ArchConfig.
struct ArchKey {
  std::uint64_t w[4]{};
  friend bool operator==(const ArchKey& a, const ArchKey& b) {
    return a.w[0] == b.w[0] && a.w[1] == b.w[1] && a.w[2] == b.w[2] && a.w[3] == b.w[3];
  }
  friend bool operator<(const ArchKey& a, const ArchKey& b) {
    for (int i = 0; i < 4; ++i)
      if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
    return false;
  }
  std::uint64_t hash() const {
    std::uint64_t h = 0x9e3779b97f4a7c15ull;
    for (std::uint64_t x : w) {
      h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
      h *= 0xff51afd7ed558ccdull;
      h ^= h >> 33;
    }
    return h;
  }
};

// Values must fit 4 bits (r: 16 bits), which holds for every config a space validates.
inline ArchKey arch_key(const ArchConfig& a) {
  ArchKey k;
  k.w[0] = static_cast<std::uint64_t>(a.r & 0xffff);
  for (int s = 0; s < kStages; ++s) k.w[0] |= static_cast<std::uint64_t>(a.d[s] & 0xf) << (16 + 4 * s);
  for (int b = 0; b < kBlocks; ++b) {
    if (!a.active(b)) continue;
    const std::uint64_t v = static_cast<std::uint64_t>((a.ks[b] & 0xf) | ((a.e[b] & 0xf) << 4));
    k.w[1 + b / 8] |= v << (8 * (b % 8));
  }
  return k;
}

// Throws Error naming the first value that is not in the space (`e[7] = 5 is not one of 3,4,6`).
void validate(const SearchSpace& space, const ArchConfig& arch);
// The same check, returning the message instead of throwing ("" when valid).
std::string validation_error(const SearchSpace& space, const ArchConfig& arch);

// "ks=[3 5 ...] e=[...] d=[...] r=R", for messages and logs.
std::string to_string(const ArchConfig& arch);

}  // namespace ofa::common
