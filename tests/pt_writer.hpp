// Writes torch.save files byte by byte for the reader's tests.
#pragma once
// Writes torch.save-shaped files by hand for the reader's tests: a pickle opcode by opcode
// and a zip archive of stored members. Independent of the reader, so that its tests can
// build both well-formed files it has never seen and the malformed ones it must refuse.
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "ofa/common/zip_archive.hpp"

namespace ofa::test {

class PickleWriter {
 public:
  PickleWriter() { op(0x80).byte(2); }
  PickleWriter& op(int c) { return byte(c); }
  PickleWriter& byte(int c) { out_.push_back(static_cast<char>(c)); return *this; }
  PickleWriter& le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) byte(i < 8 ? static_cast<int>((v >> (8 * i)) & 0xFF) : 0);
    return *this;
  }
  PickleWriter& mark() { return op('('); }
  PickleWriter& str(const std::string& s) { op('X').le(s.size(), 4); out_ += s; return *this; }
  PickleWriter& raw(const std::string& s) { out_ += s; return *this; }
  PickleWriter& binbytes(const std::string& s) { op('B').le(s.size(), 4); out_ += s; return *this; }
  PickleWriter& integer(std::int64_t v) {
    if (v >= 0 && v < 256) return op('K').byte(static_cast<int>(v));
    if (v >= INT32_MIN && v <= INT32_MAX) return op('J').le(static_cast<std::uint32_t>(v), 4);
    return op(0x8a).byte(8).le(static_cast<std::uint64_t>(v), 8);
  }
  PickleWriter& real(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    op('G');
    for (int i = 7; i >= 0; --i) byte(static_cast<int>((bits >> (8 * i)) & 0xFF));
    return *this;
  }
  PickleWriter& global(const std::string& module, const std::string& name) { op('c'); out_ += module + "\n" + name + "\n"; return *this; }
  PickleWriter& tuple() { return op('t'); }  // since the last mark
  PickleWriter& ints(const std::vector<std::int64_t>& v) {
    mark();
    for (auto x : v) integer(x);
    return tuple();
  }
  // _rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, sizes, strides, False, OrderedDict())
  PickleWriter& tensor(const std::string& type, const std::string& key, std::int64_t numel, std::int64_t offset,
                       const std::vector<std::int64_t>& sizes, const std::vector<std::int64_t>& strides,
                       const std::string& rebuild = "_rebuild_tensor_v2", const std::string& module = "torch._utils") {
    global(module, rebuild).mark();
    mark().str("storage").global("torch", type).str(key).str("cpu").integer(numel).tuple().op('Q');
    integer(offset).ints(sizes).ints(strides).op(0x89).global("collections", "OrderedDict").op(')').op('R');
    return tuple().op('R');
  }
  PickleWriter& stop() { return op('.'); }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

// A zip archive of stored (uncompressed) members, as torch.save writes them.
inline std::string zip_archive(const std::vector<std::pair<std::string, std::string>>& members, int method = 0) {
  std::string out, dir;
  auto le = [](std::string& s, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  for (const auto& [name, data] : members) {
    const std::uint32_t crc = common::crc32(data);
    const std::size_t offset = out.size();
    le(out, 0x04034b50, 4); le(out, 20, 2); le(out, 0, 2); le(out, method, 2); le(out, 0, 4);
    le(out, crc, 4); le(out, data.size(), 4); le(out, data.size(), 4); le(out, name.size(), 2); le(out, 0, 2);
    out += name + data;
    le(dir, 0x02014b50, 4); le(dir, 20, 2); le(dir, 20, 2); le(dir, 0, 2); le(dir, method, 2); le(dir, 0, 4);
    le(dir, crc, 4); le(dir, data.size(), 4); le(dir, data.size(), 4); le(dir, name.size(), 2); le(dir, 0, 2);
    le(dir, 0, 2); le(dir, 0, 2); le(dir, 0, 2); le(dir, 0, 4); le(dir, offset, 4);
    dir += name;
  }
  const std::size_t dir_offset = out.size();
  out += dir;
  le(out, 0x06054b50, 4); le(out, 0, 2); le(out, 0, 2); le(out, members.size(), 2); le(out, members.size(), 2);
  le(out, dir.size(), 4); le(out, dir_offset, 4); le(out, 0, 2);
  return out;
}

// A torch.save zip file: archive/data.pkl plus archive/data/<key> per storage.
inline std::string torch_zip(const std::string& pickle, const std::map<std::string, std::string>& storages) {
  std::vector<std::pair<std::string, std::string>> members{{"archive/data.pkl", pickle}};
  for (const auto& [key, bytes] : storages) members.emplace_back("archive/data/" + key, bytes);
  members.emplace_back("archive/version", "3\n");
  return zip_archive(members);
}

template <class T>
std::string raw_bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

}  // namespace ofa::test
