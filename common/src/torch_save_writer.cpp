#include "ofa/common/torch_save_writer.hpp"

#include <bit>
#include <cstring>
#include <limits>
#include <set>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/zip_archive.hpp"

namespace ofa::common {

namespace {

void le(std::string& s, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// A protocol-2 pickle as torch.save writes a dict of tensors (no memo: nothing is shared).
class Pickler {
 public:
  Pickler() { out_ += "\x80\x02"; }
  void op(char c) { out_.push_back(c); }
  void text(std::string_view s) {
    op('X');
    le(out_, s.size(), 4);
    out_ += s;
  }
  void global(std::string_view module, std::string_view name) {
    op('c');
    out_ += module;
    out_ += '\n';
    out_ += name;
    out_ += '\n';
  }
  void integer(std::int64_t v) {
    if (v >= 0 && v < 256) {
      op('K');
      out_.push_back(static_cast<char>(v));
    } else if (v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max()) {
      op('J');
      le(out_, static_cast<std::uint32_t>(static_cast<std::int32_t>(v)), 4);
    } else {
      op('\x8a');  // LONG1, 8 bytes two's complement
      out_.push_back(8);
      le(out_, static_cast<std::uint64_t>(v), 8);
    }
  }
  void int_tuple(const std::vector<std::int64_t>& v) {
    op('(');
    for (std::int64_t x : v) integer(x);
    op('t');
  }
  // torch._utils._rebuild_tensor_v2(persistent storage, 0, sizes, strides, False, OrderedDict())
  void tensor(const std::string& key, const FloatTensor& t) {
    global("torch._utils", "_rebuild_tensor_v2");
    op('(');
    op('(');
    text("storage");
    global("torch", "FloatStorage");
    text(key);
    text("cpu");
    integer(static_cast<std::int64_t>(t.values.size()));
    op('t');
    op('Q');  // BINPERSID: the storage is archive/data/<key>
    integer(0);
    int_tuple(t.sizes);
    std::vector<std::int64_t> strides(t.sizes.size(), 1);
    for (std::size_t i = t.sizes.size(); i-- > 1;) strides[i - 1] = strides[i] * t.sizes[i];
    int_tuple(strides);
    op('\x89');  // NEWFALSE: requires_grad
    global("collections", "OrderedDict");
    op(')');
    op('R');
    op('t');
    op('R');
  }
  std::string take() {
    op('.');
    return std::move(out_);
  }

 private:
  std::string out_;
};

// Stored members, each member's data aligned to 64 bytes (PyTorch's writer pads the local
// header's extra field the same way, so its loader can map storages in place).
class ZipWriter {
 public:
  void add(const std::string& name, std::string_view data) {
    const std::uint64_t offset = out_.size();
    const std::uint32_t crc = crc32(data);
    std::size_t pad = (64 - (offset + 30 + name.size() + 4) % 64) % 64;
    std::string extra;
    le(extra, 0x4246, 2);  // "FB", PyTorch's padding field
    le(extra, pad, 2);
    extra.append(pad, 'Z');
    le(out_, 0x04034b50, 4);
    le(out_, 20, 2);  // version needed
    le(out_, 0, 2);   // flags
    le(out_, 0, 2);   // stored
    le(out_, 0, 4);   // time, date
    le(out_, crc, 4);
    le(out_, data.size(), 4);
    le(out_, data.size(), 4);
    le(out_, name.size(), 2);
    le(out_, extra.size(), 2);
    out_ += name;
    out_ += extra;
    out_ += data;
    le(dir_, 0x02014b50, 4);
    le(dir_, 20, 2);
    le(dir_, 20, 2);
    le(dir_, 0, 2);
    le(dir_, 0, 2);
    le(dir_, 0, 4);
    le(dir_, crc, 4);
    le(dir_, data.size(), 4);
    le(dir_, data.size(), 4);
    le(dir_, name.size(), 2);
    le(dir_, 0, 2);  // extra
    le(dir_, 0, 2);  // comment
    le(dir_, 0, 2);  // disk
    le(dir_, 0, 2);  // internal attributes
    le(dir_, 0, 4);  // external attributes
    le(dir_, offset, 4);
    dir_ += name;
    ++count_;
    if (out_.size() + dir_.size() + 22 >= 0xFFFFFFFFull || count_ >= 0xFFFF)
      throw Error("torch.save writer: the archive would need ZIP64 (over 4 GiB or 65535 members)");
  }
  std::string finish() {
    const std::uint64_t dir_offset = out_.size();
    out_ += dir_;
    le(out_, 0x06054b50, 4);
    le(out_, 0, 2);
    le(out_, 0, 2);
    le(out_, count_, 2);
    le(out_, count_, 2);
    le(out_, dir_.size(), 4);
    le(out_, dir_offset, 4);
    le(out_, 0, 2);
    return std::move(out_);
  }

 private:
  std::string out_, dir_;
  std::uint64_t count_ = 0;
};

}  // namespace

std::string torch_save_bytes(const FloatStateDict& dict) {
  Pickler pickle;
  pickle.op('}');
  std::set<std::string_view> names;
  if (!dict.empty()) pickle.op('(');
  for (std::size_t i = 0; i < dict.size(); ++i) {
    const auto& [name, t] = dict[i];
    if (!names.insert(name).second) throw Error("torch.save writer: key '" + name + "' appears twice");
    std::int64_t numel = 1;
    for (std::int64_t s : t.sizes) {
      if (s < 0) throw Error("torch.save writer: key '" + name + "' has a negative size");
      numel *= s;
    }
    if (numel != static_cast<std::int64_t>(t.values.size()))
      throw Error("torch.save writer: key '" + name + "' has " + std::to_string(t.values.size()) + " values for " + std::to_string(numel) +
                  " elements of its shape");
    pickle.text(name);
    pickle.tensor(std::to_string(i), t);
  }
  if (!dict.empty()) pickle.op('u');
  ZipWriter zip;
  zip.add("archive/data.pkl", pickle.take());
  zip.add("archive/byteorder", "little");
  static_assert(sizeof(float) == 4 && std::endian::native == std::endian::little, "storages are written in the host order");
  for (std::size_t i = 0; i < dict.size(); ++i) {
    const auto& v = dict[i].second.values;
    // Little-endian float32, as the byteorder record says (the toolchain builds for little-endian hosts).
    zip.add("archive/data/" + std::to_string(i), std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
  }
  zip.add("archive/version", "3\n");
  return zip.finish();
}

void write_torch_save(const std::filesystem::path& path, const FloatStateDict& dict) { write_file_atomic(path, torch_save_bytes(dict)); }

}  // namespace ofa::common
