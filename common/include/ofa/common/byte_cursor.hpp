// A bounds-checked reader over a span of bytes, for the binary formats (zip, pickle, storages).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ofa/common/error.hpp"

namespace ofa::common {

// std::bit_cast, which GCC 10 (JetPack 5's newest compiler) lacks: the bits of `from` as a `To`.
template <class To, class From>
To bit_copy(const From& from) {
  static_assert(sizeof(To) == sizeof(From), "bit_copy between types of different sizes");
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
}

// Bounds-checked little-endian reads over untrusted bytes (zip records, pickles, storages).
// Every read past the end is an Error naming `where` and the offset, never a wild read.
class ByteCursor {
 public:
  ByteCursor(std::string_view bytes, std::string where, std::size_t pos = 0)
      : bytes_(bytes), where_(std::move(where)), pos_(pos) {}

  std::size_t pos() const { return pos_; }
  std::size_t size() const { return bytes_.size(); }
  std::size_t remaining() const { return pos_ <= bytes_.size() ? bytes_.size() - pos_ : 0; }
  bool at_end() const { return pos_ >= bytes_.size(); }
  void seek(std::size_t pos) {
    if (pos > bytes_.size()) fail("offset " + std::to_string(pos) + " is past the end (" + std::to_string(bytes_.size()) + " bytes)");
    pos_ = pos;
  }

  std::string_view take(std::uint64_t n) {
    if (n > remaining())
      fail("truncated: needs " + std::to_string(n) + " bytes at offset " + std::to_string(pos_) + ", has " +
           std::to_string(remaining()));
    std::string_view out = bytes_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return out;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(le(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(le(4)); }
  std::uint64_t u64() { return le(8); }

  [[noreturn]] void fail(const std::string& what) const { throw Error(where_ + ": " + what); }
  const std::string& where() const { return where_; }

 private:
  std::uint64_t le(int n) {
    const std::string_view b = take(static_cast<std::uint64_t>(n));
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(b[static_cast<std::size_t>(i)]);
    return v;
  }

  std::string_view bytes_;
  std::string where_;
  std::size_t pos_;
};

}  // namespace ofa::common
