// SHA-256 (FIPS 180-4), for the hashes a training record keeps of its data files.
#pragma once
#include <string>
#include <string_view>

namespace ofa::common {

// The SHA-256 digest of `bytes` as 64 lowercase hex digits (what `sha256sum` prints).
std::string sha256_hex(std::string_view bytes);

}  // namespace ofa::common
