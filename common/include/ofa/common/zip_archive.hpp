// A reader of stored (uncompressed) zip archives with ZIP64 and CRC-32 checks: torch.save's container.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ofa::common {

// One member of a zip archive, located in the archive's bytes.
struct ZipEntry {
  std::string name;
  std::uint64_t data_offset = 0;  // where the member's bytes start in the archive
  std::uint64_t size = 0;
  std::uint32_t crc32 = 0;
};

// A read-only view of a zip archive held in memory, as torch.save writes it (PyTorch >= 1.6):
// members stored uncompressed, ZIP64 records when large. The central directory is read and
// every member located when constructed; a malformed archive is an Error naming `where`.
// Compressed or encrypted members are reported as such: torch.save never writes them.
// `bytes` must outlive the archive (members are views into it, never copies).
class ZipArchive {
 public:
  ZipArchive(std::string_view bytes, std::string where);

  // Whether `bytes` start like a zip archive (a local file header).
  static bool looks_like_zip(std::string_view bytes);

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(std::string_view name) const;
  // A member's bytes, its CRC-32 checked (Error naming the member when it does not match).
  std::string_view contents(const ZipEntry& entry) const;

 private:
  std::string_view bytes_;
  std::string where_;
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, std::size_t> index_;  // name -> position in entries_
};

// CRC-32 (ISO-HDLC, as zip uses), continuing from `crc` (0 to start).
std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0);

}  // namespace ofa::common
