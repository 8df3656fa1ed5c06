#include "ofa/common/zip_archive.hpp"

#include <algorithm>
#include <array>

#include "ofa/common/byte_cursor.hpp"

namespace ofa::common {

namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint32_t kCentralHeader = 0x02014b50;
constexpr std::uint32_t kEndOfDirectory = 0x06054b50;
constexpr std::uint32_t kZip64EndOfDirectory = 0x06064b50;
constexpr std::uint32_t kZip64Locator = 0x07064b50;
constexpr std::size_t kEndRecordSize = 22;
constexpr std::size_t kMaxComment = 0xFFFF;

// Slicing-by-8 tables: the supernet's 20 MB are checked in a few milliseconds.
const std::array<std::array<std::uint32_t, 256>, 8>& crc_tables() {
  static const auto tables = [] {
    std::array<std::array<std::uint32_t, 256>, 8> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i)
      for (std::size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
    return t;
  }();
  return tables;
}

std::size_t find_end_record(std::string_view bytes, const std::string& where) {
  if (bytes.size() < kEndRecordSize) throw Error(where + ": not a zip archive (too short for its end record)");
  const std::size_t lowest = bytes.size() >= kEndRecordSize + kMaxComment ? bytes.size() - kEndRecordSize - kMaxComment : 0;
  for (std::size_t pos = bytes.size() - kEndRecordSize + 1; pos-- > lowest;) {
    ByteCursor c(bytes, where, pos);
    if (c.u32() == kEndOfDirectory) return pos;
  }
  throw Error(where + ": truncated zip archive (no end-of-central-directory record)");
}

}  // namespace

std::uint32_t crc32(std::string_view bytes, std::uint32_t crc) {
  const auto& t = crc_tables();
  std::uint32_t c = ~crc;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  while (n >= 8) {
    const std::uint32_t lo = c ^ (std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24);
    c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^ t[3][p[4]] ^ t[2][p[5]] ^
        t[1][p[6]] ^ t[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n--) c = t[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
  return ~c;
}

bool ZipArchive::looks_like_zip(std::string_view bytes) {
  return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

namespace {

// Where the central directory is and how many members it lists, from the end record (or the
// ZIP64 end record it points at).
struct Directory {
  std::uint64_t count = 0, size = 0, offset = 0;
};

Directory read_directory_location(std::string_view bytes, const std::string& where) {
  const std::size_t end_pos = find_end_record(bytes, where);
  ByteCursor end(bytes, where, end_pos + 4);
  const std::uint16_t disk = end.u16(), dir_disk = end.u16();
  std::uint64_t count_here = end.u16();
  Directory d;
  d.count = end.u16();
  d.size = end.u32();
  d.offset = end.u32();
  if (d.count == 0xFFFF || d.size == 0xFFFFFFFF || d.offset == 0xFFFFFFFF) {
    // ZIP64: the locator sits just before the end record and points at the 64-bit record.
    if (end_pos < 20) end.fail("ZIP64 archive without its locator");
    ByteCursor loc(bytes, where, end_pos - 20);
    if (loc.u32() != kZip64Locator) loc.fail("ZIP64 archive without its locator");
    loc.u32();
    const std::uint64_t record = loc.u64();
    if (record > bytes.size()) loc.fail("ZIP64 end record offset " + std::to_string(record) + " is past the end");
    ByteCursor z(bytes, where, static_cast<std::size_t>(record));
    if (z.u32() != kZip64EndOfDirectory) z.fail("bad ZIP64 end-of-central-directory record");
    z.take(20);  // record size, versions made by and needed, this disk, the directory's disk
    count_here = z.u64();
    d.count = z.u64();
    d.size = z.u64();
    d.offset = z.u64();
  } else if (disk != 0 || dir_disk != 0) {
    end.fail("multi-disk zip archives are not supported");
  }
  if (count_here != d.count) end.fail("multi-disk zip archives are not supported");
  if (d.offset > bytes.size() || d.size > bytes.size() - d.offset)
    end.fail("central directory (offset " + std::to_string(d.offset) + ", " + std::to_string(d.size) + " bytes) lies outside the file (truncated?)");
  // Each central record is at least 46 bytes: a count above that is a lie, not an allocation.
  if (d.count > d.size / 46) end.fail("central directory claims " + std::to_string(d.count) + " members in " + std::to_string(d.size) + " bytes");
  return d;
}

// One central directory record, checked (stored, unencrypted), its data located through its
// local header.
ZipEntry read_member(ByteCursor& dir, std::uint64_t i, std::string_view bytes, const std::string& where) {
  if (dir.u32() != kCentralHeader) dir.fail("bad central directory record " + std::to_string(i));
  dir.take(4);  // versions made by and needed
  const std::uint16_t flags = dir.u16(), method = dir.u16();
  dir.u32();  // time, date
  const std::uint32_t crc = dir.u32();
  std::uint64_t csize = dir.u32(), usize = dir.u32();
  const std::uint16_t name_len = dir.u16(), extra_len = dir.u16(), comment_len = dir.u16();
  dir.take(8);  // disk, internal and external attributes
  std::uint64_t local = dir.u32();
  ZipEntry e;
  e.name = std::string(dir.take(name_len));
  const std::string_view extra = dir.take(extra_len);
  dir.take(comment_len);
  // ZIP64 extended information: the 64-bit values of the fields saturated above, in order.
  ByteCursor x(extra, where + ": member '" + e.name + "' extra field");
  while (x.remaining() >= 4) {
    const std::uint16_t id = x.u16(), len = x.u16();
    ByteCursor field(x.take(len), x.where());
    if (id != 0x0001) continue;
    if (usize == 0xFFFFFFFF) usize = field.u64();
    if (csize == 0xFFFFFFFF) csize = field.u64();
    if (local == 0xFFFFFFFF) local = field.u64();
  }
  const std::string member = "member '" + e.name + "'";
  if (flags & 0x1) dir.fail(member + " is encrypted");
  if (method != 0) dir.fail(member + " is compressed (method " + std::to_string(method) + "); torch.save stores members uncompressed");
  if (csize != usize) dir.fail(member + " is stored with compressed size " + std::to_string(csize) + " != size " + std::to_string(usize));
  if (local > bytes.size()) dir.fail(member + ": local header offset " + std::to_string(local) + " is past the end");
  ByteCursor lh(bytes, where + ": " + member, static_cast<std::size_t>(local));
  if (lh.u32() != kLocalHeader) lh.fail("bad local header");
  lh.take(22);
  const std::uint16_t lname = lh.u16(), lextra = lh.u16();
  lh.take(lname);
  lh.take(lextra);
  e.data_offset = lh.pos();
  e.size = usize;
  e.crc32 = crc;
  if (usize > lh.remaining()) lh.fail("truncated: needs " + std::to_string(usize) + " bytes, the file has " + std::to_string(lh.remaining()) + " left");
  return e;
}

}  // namespace

ZipArchive::ZipArchive(std::string_view bytes, std::string where) : bytes_(bytes), where_(std::move(where)) {
  const Directory d = read_directory_location(bytes_, where_);
  ByteCursor dir(bytes_.substr(0, static_cast<std::size_t>(d.offset + d.size)), where_, static_cast<std::size_t>(d.offset));
  entries_.reserve(static_cast<std::size_t>(d.count));
  for (std::uint64_t i = 0; i < d.count; ++i) {
    ZipEntry e = read_member(dir, i, bytes_, where_);
    if (!index_.emplace(e.name, entries_.size()).second) dir.fail("member '" + e.name + "' appears twice");
    entries_.push_back(std::move(e));
  }
}

const ZipEntry* ZipArchive::find(std::string_view name) const {
  const auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &entries_[it->second];
}

std::string_view ZipArchive::contents(const ZipEntry& entry) const {
  const std::string_view data = bytes_.substr(static_cast<std::size_t>(entry.data_offset), static_cast<std::size_t>(entry.size));
  if (crc32(data) != entry.crc32) throw Error(where_ + ": member '" + entry.name + "' is corrupt (CRC-32 mismatch)");
  return data;
}

}  // namespace ofa::common
