// The one-hot encoding of an architecture that OFA's accuracy predictor takes.
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "ofa/common/arch_config.hpp"

namespace ofa::common {

// The 128-value one-hot feature of OFA's accuracy predictor: 60 kernel values
// (3 per block), 60 expand values, 8 resolution values; inactive blocks are all zero.
inline constexpr int kEncodingSize = 128;
inline constexpr int kKernelOffset = 0;
inline constexpr int kExpandOffset = 60;
inline constexpr int kResolutionOffset = 120;

// The positions that are 1, in increasing order: at most 20 + 20 + 1. Returns how many.
// This is what the predictor's first layer reads (a sum of weight columns).
int encode_active(const ArchConfig& arch, std::span<std::uint8_t, 41> positions);

// The dense feature vector.
std::array<float, kEncodingSize> encode(const ArchConfig& arch);

// The inverse of encode: depths from the active blocks, resolution from the bucket.
// The resolution bucket covers 16 values, so `r_hint` (the arch's real resolution, when
// known) is used when it falls in the bucket, otherwise the bucket's lowest value
// (112 + 16 * bucket). Throws Error when the vector is not a valid encoding.
ArchConfig decode(std::span<const float, kEncodingSize> feature, int r_hint = 0);

}  // namespace ofa::common
