#include "ofa/common/torch_file.hpp"

#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>

#include "ofa/common/byte_cursor.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/pickle.hpp"
#include "ofa/common/zip_archive.hpp"

namespace ofa::common {

using pickle::Document;
using pickle::Kind;
using pickle::Node;
using pickle::NodeId;

const SavedObject* SavedObject::find(std::string_view key) const {
  if (kind != Kind::Dict && kind != Kind::Object) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i].kind == Kind::String && keys[i].text == key) return &items[i];
  return nullptr;
}

std::string_view SavedObject::kind_name() const {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "string";
    case Kind::Bytes: return "bytes";
    case Kind::Tensor: return "tensor";
    case Kind::List: return "list";
    case Kind::Tuple: return "tuple";
    case Kind::Dict: return "dict";
    case Kind::Object: return "object";
  }
  return "?";
}

std::string SavedObject::key_text() const {
  switch (kind) {
    case Kind::String: return text;
    case Kind::Int: return std::to_string(integer);
    case Kind::Bool: return boolean ? "True" : "False";
    case Kind::None: return "None";
    default: return "<" + std::string(kind_name()) + ">";
  }
}

namespace {

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxDims = 64;

// What a persistent id says about a storage: ('storage', torch.<T>Storage, key, location,
// numel[, view metadata]).
struct StorageRef {
  DType dtype = DType::Float32;
  std::string key;
  std::int64_t numel = 0;
  std::optional<std::string> view_of;  // legacy views: the root storage's key
  std::int64_t view_offset = 0;
};

std::optional<DType> storage_dtype(std::string_view name) {
  static const std::map<std::string_view, DType> kTypes = {
      {"FloatStorage", DType::Float32}, {"DoubleStorage", DType::Float64}, {"HalfStorage", DType::Float16},
      {"BFloat16Storage", DType::BFloat16}, {"LongStorage", DType::Int64}, {"IntStorage", DType::Int32},
      {"ShortStorage", DType::Int16}, {"CharStorage", DType::Int8}, {"ByteStorage", DType::UInt8},
      {"BoolStorage", DType::Bool}};
  const auto it = kTypes.find(name);
  return it == kTypes.end() ? std::nullopt : std::optional(it->second);
}

std::string path_join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "/" + key; }

struct StorageRef;
// A legacy torch.save of one storage (what torch.storage._load_from_bytes loads), viewing `payload`.
std::shared_ptr<const TensorStorage> storage_from_bytes(std::string_view payload, const std::shared_ptr<const std::string>& owner);

class Reader {
 public:
  using StorageSource = std::function<std::shared_ptr<const TensorStorage>(const StorageRef&)>;

  // `owner` holds the bytes the document views (numpy arrays and storages inside bytes are views of them).
  Reader(const Document& doc, std::string where, StorageSource source, std::shared_ptr<const std::string> owner)
      : doc_(doc), where_(std::move(where)), source_(std::move(source)), owner_(std::move(owner)),
        budget_(pickle::memory_bound(owner_ ? owner_->size() : 0) / sizeof(SavedObject)) {}

  SavedObject read() { return convert(doc_.root, "", 0); }

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw Error(where_ + ": " + (path.empty() ? "" : "key '" + path + "': ") + what);
  }

  // Also used for legacy files, whose storages are laid out before the main object is read.
  static StorageRef storage_ref(const Document& doc, NodeId pid, const std::function<void(const std::string&)>& fail) {
    const Node& t = doc[pid];
    if (t.kind != Kind::Tuple || t.items.size() < 5 || doc[t.items[0]].kind != Kind::String || doc[t.items[0]].text != "storage")
      fail("a persistent id that is not a storage ('storage', type, key, location, size)");
    const Node &type = doc[t.items[1]], &key = doc[t.items[2]], &location = doc[t.items[3]], &numel = doc[t.items[4]];
    if (type.kind != Kind::Global) fail("a storage whose type is " + pickle::a_kind(pickle::kind_name(type.kind)));
    const std::optional<DType> dtype = type.text == "torch" ? storage_dtype(type.name) : std::nullopt;
    if (!dtype) fail("unsupported storage type '" + std::string(type.text) + "." + std::string(type.name) + "'");
    if (key.kind != Kind::String) fail("a storage key that is not a string");
    if (location.kind != Kind::String) fail("a storage location that is not a string");
    if (numel.kind != Kind::Int || numel.integer < 0) fail("a storage size that is not a non-negative integer");
    StorageRef ref;
    ref.dtype = *dtype;
    ref.key = std::string(key.text);
    ref.numel = numel.integer;
    if (t.items.size() >= 6 && doc[t.items[5]].kind != Kind::None) {
      // Legacy view metadata: (view key, offset, size) into the storage `key`.
      const Node& v = doc[t.items[5]];
      if (v.kind != Kind::Tuple || v.items.size() != 3 || doc[v.items[0]].kind != Kind::String ||
          doc[v.items[1]].kind != Kind::Int || doc[v.items[2]].kind != Kind::Int || doc[v.items[1]].integer < 0 ||
          doc[v.items[2]].integer < 0)
        fail("malformed storage view metadata");
      ref.view_of = ref.key;
      ref.key = std::string(doc[v.items[0]].text);
      ref.view_offset = doc[v.items[1]].integer;
      ref.numel = doc[v.items[2]].integer;
    }
    return ref;
  }

 private:
  SavedObject convert(NodeId id, const std::string& path, int depth) {
    if (depth > kMaxDepth) fail(path, "nested deeper than " + std::to_string(kMaxDepth) + " levels (a cycle?)");
    // The work done, not the references: a container the memo shares is copied each time it is
    // met (a 300-level file reusing its BN objects is valid), up to what memory allows for a file
    // of this size (shared containers nested exponentially are not).
    if (budget_-- == 0)
      fail(path, "more objects than " + std::to_string(pickle::kMemoryPerByte) +
                     " times the file's size allows in memory (shared containers nested exponentially?)");
    const Node& n = doc_[id];
    SavedObject o;
    switch (n.kind) {
      case Kind::None: break;
      case Kind::Bool: o.kind = SavedObject::Kind::Bool; o.boolean = n.integer != 0; break;
      case Kind::Int: o.kind = SavedObject::Kind::Int; o.integer = n.integer; break;
      case Kind::BigInt: fail(path, "an integer wider than 64 bits");
      case Kind::Float: o.kind = SavedObject::Kind::Float; o.real = n.real; break;
      case Kind::String: o.kind = SavedObject::Kind::String; o.text = std::string(n.text); break;
      case Kind::Bytes: o.kind = SavedObject::Kind::Bytes; o.text = std::string(n.text); break;
      case Kind::Tuple:
      case Kind::List:
        o.kind = n.kind == Kind::Tuple ? SavedObject::Kind::Tuple : SavedObject::Kind::List;
        o.items.reserve(n.items.size());
        for (std::size_t i = 0; i < n.items.size(); ++i) o.items.push_back(convert(n.items[i], path_join(path, std::to_string(i)), depth + 1));
        break;
      case Kind::Dict: {
        o.kind = SavedObject::Kind::Dict;
        std::unordered_map<std::string, std::size_t> seen;  // a repeated key replaces the value, as in Python
        for (std::size_t i = 0; i + 1 < n.items.size(); i += 2) {
          SavedObject key = convert(n.items[i], path, depth + 1);
          const std::string text = key.key_text();
          SavedObject value = convert(n.items[i + 1], path_join(path, text), depth + 1);
          const auto [it, fresh] = seen.emplace(std::string(key.kind_name()) + ":" + text, o.keys.size());
          if (fresh) {
            o.keys.push_back(std::move(key));
            o.items.push_back(std::move(value));
          } else {
            o.items[it->second] = std::move(value);
          }
        }
        break;
      }
      case Kind::Global:
        fail(path, "a class '" + std::string(n.text) + "." + std::string(n.name) + "' where data was expected");
      case Kind::PersistentId: fail(path, "a bare storage where a tensor was expected");
      case Kind::Reduce: return reduce(n, path, depth);
    }
    return o;
  }

  std::int64_t int_arg(NodeId id, const std::string& path, const char* what) const {
    const Node& n = doc_[id];
    if (n.kind != Kind::Int) fail(path, std::string(what) + " is " + pickle::a_kind(pickle::kind_name(n.kind)) + ", not an integer");
    return n.integer;
  }

  std::vector<std::int64_t> shape_arg(NodeId id, const std::string& path, const char* what) const {
    const Node& n = doc_[id];
    if (n.kind != Kind::Tuple && n.kind != Kind::List) fail(path, std::string(what) + " is not a tuple");
    if (n.items.size() > kMaxDims) fail(path, std::string(what) + " has " + std::to_string(n.items.size()) + " dimensions");
    std::vector<std::int64_t> out;
    for (NodeId i : n.items) {
      const std::int64_t v = int_arg(i, path, what);
      if (v < 0) fail(path, std::string(what) + " holds a negative value " + std::to_string(v));
      out.push_back(v);
    }
    return out;
  }

  // The functions torch.save and LibTorch's pickler call to rebuild what they wrote.
  SavedObject reduce(const Node& n, const std::string& path, int depth) {
    const Node& fn = doc_[n.items[0]];
    const Node& args = doc_[n.items[1]];
    if (fn.text == "torch.jit._pickle") {
      // LibTorch tags typed containers (restore_type_tag(dict, "Dict[str, Tensor]")) and
      // writes typed lists as build_intlist([...]) and the like: the first argument is the value.
      static const char* kIdentity[] = {"restore_type_tag", "build_intlist", "build_doublelist", "build_boollist", "build_tensorlist"};
      for (const char* f : kIdentity)
        if (fn.name == f) {
          if (args.items.empty()) fail(path, "torch.jit._pickle." + std::string(f) + " without arguments");
          return convert(args.items[0], path, depth + 1);
        }
    }
    const std::string name = std::string(fn.text) + "." + std::string(fn.name);
    if ((name == "numpy.core.multiarray._reconstruct" || name == "numpy._core.multiarray._reconstruct") && n.items.size() == 3 &&
        !args.items.empty() && doc_[args.items[0]].kind == Kind::Global && doc_[args.items[0]].name == "ndarray")
      return ndarray(doc_[n.items[2]], path, depth);
    if (name == "torch.storage._load_from_bytes") fail(path, "a bare storage where a tensor was expected");
    if (name == "numpy.dtype") fail(path, "a numpy dtype where data was expected");
    // `Class()` then BUILD with a dict: a record of its fields (the class is never called).
    if (n.items.size() == 3 && args.items.empty() && name.rfind("torch.", 0) != 0) return record(name, n.items[2], path, depth);
    SavedObject o;
    o.kind = SavedObject::Kind::Tensor;
    o.tensor = rebuild(n, path, depth);
    return o;
  }

  SavedObject record(const std::string& name, NodeId state, const std::string& path, int depth) {
    if (doc_[state].kind != Kind::Dict)
      fail(path, "an object of class '" + name + "' whose state is " + pickle::a_kind(pickle::kind_name(doc_[state].kind)) + ", not a dict of fields");
    SavedObject o = convert(state, path, depth + 1);
    o.kind = SavedObject::Kind::Object;
    o.text = name;
    return o;
  }

  // numpy's ndarray.__reduce__: _reconstruct(ndarray, (0,), b'b') then BUILD with
  // (version, shape, dtype, is_fortran, data): raw bytes for numbers, a list for objects.
  SavedObject ndarray(const Node& state, const std::string& path, int depth) {
    if (state.kind != Kind::Tuple || state.items.size() != 5) fail(path, "a numpy array whose state is not (version, shape, dtype, fortran, data)");
    const std::vector<std::int64_t> shape = shape_arg(state.items[1], path, "the numpy array's shape");
    const Node& dt = doc_[state.items[2]];
    const Node* dt_fn = dt.kind == Kind::Reduce ? &doc_[dt.items[0]] : nullptr;
    if (!dt_fn || dt_fn->name != "dtype" || doc_[dt.items[1]].items.empty() || doc_[doc_[dt.items[1]].items[0]].kind != Kind::String)
      fail(path, "a numpy array without a numpy dtype");
    const std::string code(doc_[doc_[dt.items[1]].items[0]].text);
    // The dtype's state: (version, byte order, ...); '<', '=' and '|' (no order) are little-endian here.
    std::string order = "|";
    if (dt.items.size() == 3 && doc_[dt.items[2]].kind == Kind::Tuple && doc_[dt.items[2]].items.size() >= 2 &&
        doc_[doc_[dt.items[2]].items[1]].kind == Kind::String)
      order = std::string(doc_[doc_[dt.items[2]].items[1]].text);
    if (order == ">") fail(path, "a big-endian numpy array (dtype '>" + code + "'); only little-endian arrays are read");
    const Node& fortran = doc_[state.items[3]];
    if (fortran.kind != Kind::Bool) fail(path, "a numpy array whose fortran flag is " + pickle::a_kind(pickle::kind_name(fortran.kind)));
    std::int64_t numel = 1;
    for (std::int64_t d : shape)
      if (__builtin_mul_overflow(numel, d, &numel)) fail(path, "a numpy array whose shape overflows");
    if (fortran.integer != 0 && shape.size() > 1) fail(path, "a Fortran-ordered numpy array (only C order is read)");
    const Node& data = doc_[state.items[4]];
    if (code == "O8" || code == "O4" || code == "O") {
      if (data.kind != Kind::List || static_cast<std::int64_t>(data.items.size()) != numel)
        fail(path, "a numpy object array of " + std::to_string(numel) + " elements whose data is not a list of as many");
      std::size_t next = 0;
      return nested(data, shape, 0, next, path, depth);
    }
    static const std::map<std::string_view, DType> kCodes = {{"f8", DType::Float64}, {"f4", DType::Float32}, {"i8", DType::Int64}};
    const auto type = kCodes.find(code);
    if (type == kCodes.end()) fail(path, "a numpy array of dtype '" + code + "' (float64, float32, int64 and object arrays are read)");
    if (data.kind != Kind::Bytes) fail(path, "a numpy array whose data is " + pickle::a_kind(pickle::kind_name(data.kind)) + ", not bytes");
    const std::uint64_t need = static_cast<std::uint64_t>(numel) * dtype_size(type->second);
    if (data.text.size() != need)
      fail(path, "a numpy array of " + std::to_string(numel) + " " + std::string(dtype_name(type->second)) + " values holds " +
                     std::to_string(data.text.size()) + " bytes, not " + std::to_string(need));
    SavedObject o;
    o.kind = SavedObject::Kind::Tensor;
    o.tensor.dtype = type->second;
    o.tensor.sizes = shape;
    o.tensor.strides.assign(shape.size(), 1);
    for (std::size_t i = shape.size(); i-- > 1;) o.tensor.strides[i - 1] = o.tensor.strides[i] * shape[i];
    o.tensor.storage = std::make_shared<const TensorStorage>(TensorStorage{type->second, numel, data.text.data(), owner_});
    return o;
  }

  // An object array's items as lists nested by its shape (what ndarray.tolist() gives).
  SavedObject nested(const Node& data, const std::vector<std::int64_t>& shape, std::size_t dim, std::size_t& next, const std::string& path, int depth) {
    if (dim == shape.size()) return convert(data.items[next++], path, depth + 1);
    SavedObject o;
    o.kind = SavedObject::Kind::List;
    for (std::int64_t i = 0; i < shape[dim]; ++i) o.items.push_back(nested(data, shape, dim + 1, next, path_join(path, std::to_string(i)), depth + 1));
    return o;
  }

  // torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]),
  // _rebuild_tensor(storage, offset, size, stride), _rebuild_parameter(tensor, requires_grad, hooks).
  SavedTensor rebuild(const Node& n, const std::string& path, int depth) {
    const Node& fn = doc_[n.items[0]];
    const Node& args = doc_[n.items[1]];
    const std::string name = std::string(fn.text) + "." + std::string(fn.name);
    if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
      if (args.items.empty()) fail(path, name + " without arguments");
      SavedObject inner = convert(args.items[0], path, depth + 1);
      if (inner.kind != SavedObject::Kind::Tensor) fail(path, "a parameter that holds a " + std::string(inner.kind_name()));
      return inner.tensor;
    }
    if (name != "torch._utils._rebuild_tensor_v2" && name != "torch._utils._rebuild_tensor")
      fail(path, "unsupported pickle class '" + name + "' (torch.save of tensors and containers only)");
    if (args.items.size() < 4) fail(path, name + " with " + std::to_string(args.items.size()) + " arguments");
    StorageRef ref;
    std::shared_ptr<const TensorStorage> in_bytes = storage_arg(doc_[args.items[0]], path, ref);

    SavedTensor t;
    t.dtype = ref.dtype;
    t.offset = int_arg(args.items[1], path, "the storage offset");
    if (t.offset < 0) fail(path, "negative storage offset " + std::to_string(t.offset));
    t.sizes = shape_arg(args.items[2], path, "the size");
    t.strides = shape_arg(args.items[3], path, "the stride");
    if (t.sizes.size() != t.strides.size())
      fail(path, "size and stride differ in length (" + std::to_string(t.sizes.size()) + " and " + std::to_string(t.strides.size()) + ")");
    try {
      t.storage = in_bytes ? in_bytes : source_(ref);
    } catch (const Error& e) {
      fail(path, e.what());
    }
    check_in_storage(t, ref.key, path);
    return t;
  }

  // A tensor's storage argument: a persistent id, read into `ref` for source_ to resolve; or a
  // storage pickled inside bytes, returned (`ref` then holds its dtype and the key "(in bytes)").
  std::shared_ptr<const TensorStorage> storage_arg(const Node& pid, const std::string& path, StorageRef& ref) {
    std::shared_ptr<const TensorStorage> in_bytes;
    if (pid.kind == Kind::Reduce && doc_[pid.items[0]].kind == Kind::Global && doc_[pid.items[0]].text == "torch.storage" &&
        doc_[pid.items[0]].name == "_load_from_bytes") {
      // A storage pickled on its own: torch.save of the storage, inside bytes.
      const Node& a = doc_[pid.items[1]];
      if (a.items.size() != 1 || doc_[a.items[0]].kind != Kind::Bytes) fail(path, "torch.storage._load_from_bytes without one bytes argument");
      try {
        in_bytes = storage_from_bytes(doc_[a.items[0]].text, owner_);
      } catch (const Error& e) {
        fail(path, std::string("a storage saved inside bytes: ") + e.what());
      }
      ref.dtype = in_bytes->dtype;
      ref.key = "(in bytes)";
    } else if (pid.kind != Kind::PersistentId) {
      fail(path, "a tensor whose storage is " + pickle::a_kind(pickle::kind_name(pid.kind)));
    } else {
      ref = storage_ref(doc_, pid.items[0], [&](const std::string& what) { fail(path, what); });
    }
    return in_bytes;
  }

  // Every element the view reaches must lie in the storage: the largest linear index is
  // offset + sum((size - 1) * stride), computed without overflow.
  void check_in_storage(const SavedTensor& t, const std::string& key, const std::string& path) const {
    std::int64_t numel = 1, last = t.offset;
    bool empty = false;
    for (std::size_t d = 0; d < t.sizes.size(); ++d) {
      if (t.sizes[d] == 0) empty = true;
      std::int64_t span = 0;
      if (__builtin_mul_overflow(numel, t.sizes[d], &numel) ||
          (t.sizes[d] > 0 && (__builtin_mul_overflow(t.sizes[d] - 1, t.strides[d], &span) || __builtin_add_overflow(last, span, &last))))
        fail(path, "size " + t.describe() + " overflows");
    }
    if (!empty && last >= t.storage->numel)
      fail(path, "storage '" + key + "' holds " + std::to_string(t.storage->numel) + " " + std::string(dtype_name(t.dtype)) +
                     " values, the tensor " + t.describe() + " reaches element " + std::to_string(last));
  }

  const Document& doc_;
  std::string where_;
  StorageSource source_;
  std::shared_ptr<const std::string> owner_;
  std::size_t budget_;
};

// Bytes needed by `numel` elements, or Error when absurd.
std::uint64_t storage_bytes(const StorageRef& ref) {
  const std::uint64_t es = dtype_size(ref.dtype);
  if (static_cast<std::uint64_t>(ref.numel) > std::numeric_limits<std::uint64_t>::max() / 8)
    throw Error("storage '" + ref.key + "' claims " + std::to_string(ref.numel) + " elements");
  return static_cast<std::uint64_t>(ref.numel) * es;
}

SavedObject read_zip(std::shared_ptr<const std::string> bytes, const std::string& where) {
  const ZipArchive zip(*bytes, where);
  // torch.save names every member "<archive>/...": the folder holding data.pkl.
  const ZipEntry* pkl = nullptr;
  for (const ZipEntry& e : zip.entries()) {
    const std::size_t slash = e.name.find('/');
    if (slash != std::string::npos && e.name.substr(slash + 1) == "data.pkl") {
      if (pkl) throw Error(where + ": more than one data.pkl (" + pkl->name + ", " + e.name + ")");
      pkl = &e;
    }
  }
  if (!pkl) throw Error(where + ": a zip archive without <name>/data.pkl: not a torch.save file");
  const std::string prefix = pkl->name.substr(0, pkl->name.size() - std::string_view("data.pkl").size());
  if (const ZipEntry* order = zip.find(prefix + "byteorder"); order && zip.contents(*order) != "little")
    throw Error(where + ": saved with byte order '" + std::string(zip.contents(*order)) + "'; only little-endian files are read");

  const Document doc = pickle::unpickle(zip.contents(*pkl), where + ": " + pkl->name);
  std::unordered_map<std::string, std::shared_ptr<const TensorStorage>> cache;
  auto source = [&](const StorageRef& ref) -> std::shared_ptr<const TensorStorage> {
    if (ref.view_of) throw Error("storage view metadata in a zip file");
    if (auto it = cache.find(ref.key); it != cache.end()) {
      if (it->second->dtype != ref.dtype) throw Error("storage '" + ref.key + "' is used with two element types");
      return it->second;
    }
    const std::string member = prefix + "data/" + ref.key;
    const ZipEntry* e = zip.find(member);
    if (!e) throw Error("storage '" + ref.key + "' has no member '" + member + "' (truncated file?)");
    const std::uint64_t need = storage_bytes(ref);
    if (e->size < need)
      throw Error("storage '" + ref.key + "' holds " + std::to_string(e->size) + " bytes, its " + std::to_string(ref.numel) + " " +
                  std::string(dtype_name(ref.dtype)) + " values need " + std::to_string(need));
    const std::string_view data = zip.contents(*e);
    auto s = std::make_shared<const TensorStorage>(TensorStorage{ref.dtype, ref.numel, data.data(), bytes});
    cache.emplace(ref.key, s);
    return s;
  };
  return Reader(doc, where, source, bytes).read();
}

// The three pickles a legacy torch.save starts with (magic number, protocol, system
// information), checked; returns where the main object's pickle starts.
std::size_t legacy_header_end(std::string_view all, const std::string& where) {
  // The magic number 0x1950a86a20f9469cfc6c, as pickle's LONG1 writes it (little-endian).
  static constexpr char kMagic[] = "\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19";
  const Document magic = pickle::unpickle(all, where, 0);
  if (magic[magic.root].kind != Kind::BigInt || magic[magic.root].text != std::string_view(kMagic, 10))
    throw Error(where + ": a pickle, but not a torch.save file (no magic number)");
  const Document protocol = pickle::unpickle(all, where, magic.end);
  if (protocol[protocol.root].kind != Kind::Int || protocol[protocol.root].integer != 1001)
    throw Error(where + ": unsupported legacy protocol version");
  const Document info = pickle::unpickle(all, where, protocol.end);
  const Node& sys = info[info.root];
  if (sys.kind != Kind::Dict) throw Error(where + ": malformed system information");
  for (std::size_t i = 0; i + 1 < sys.items.size(); i += 2)
    if (info[sys.items[i]].kind == Kind::String && info[sys.items[i]].text == "little_endian" && info[sys.items[i + 1]].kind == Kind::Bool &&
        info[sys.items[i + 1]].integer == 0)
      throw Error(where + ": saved on a big-endian machine; only little-endian files are read");
  return info.end;
}

std::shared_ptr<const TensorStorage> storage_from_bytes(std::string_view payload, const std::shared_ptr<const std::string>& owner) {
  const std::string where = "the payload";
  const Document doc = pickle::unpickle(payload, where, legacy_header_end(payload, where));
  if (doc[doc.root].kind != Kind::PersistentId) throw Error("its object is " + pickle::a_kind(pickle::kind_name(doc[doc.root].kind)) + ", not a storage");
  // The location ('cuda:0' in Dynamic-OFA's files) is ignored: the bytes are the same anywhere.
  const StorageRef ref = Reader::storage_ref(doc, doc[doc.root].items[0], [](const std::string& what) { throw Error(what); });
  if (ref.view_of) throw Error("a storage view");
  const Document keys = pickle::unpickle(payload, where, doc.end);
  const Node& list = keys[keys.root];
  if (list.kind != Kind::List || list.items.size() != 1 || keys[list.items[0]].kind != Kind::String || keys[list.items[0]].text != ref.key)
    throw Error("its key list is not ['" + ref.key + "']");
  ByteCursor in(payload, where, keys.end);
  const std::uint64_t count = in.u64();
  if (count != static_cast<std::uint64_t>(ref.numel))
    throw Error("it holds " + std::to_string(count) + " elements, its header says " + std::to_string(ref.numel));
  const std::string_view data = in.take(storage_bytes(ref));
  if (!in.at_end()) throw Error(std::to_string(payload.size() - in.pos()) + " bytes after its data");
  return std::make_shared<const TensorStorage>(TensorStorage{ref.dtype, ref.numel, data.data(), owner});
}

SavedObject read_legacy(std::shared_ptr<const std::string> bytes, const std::string& where) {
  const std::string_view all = *bytes;
  const Document doc = pickle::unpickle(all, where, legacy_header_end(all, where));
  const Document keys = pickle::unpickle(all, where, doc.end);
  const Node& key_list = keys[keys.root];
  if (key_list.kind != Kind::List) throw Error(where + ": malformed storage key list");

  // Storages follow in the order of the key list, each as (int64 count, raw elements); their
  // element types are known only from the persistent ids in the main object.
  std::unordered_map<std::string, DType> types;
  for (NodeId id = 0; id < doc.nodes.size(); ++id) {
    if (doc[id].kind != Kind::PersistentId) continue;
    const StorageRef ref = Reader::storage_ref(doc, doc[id].items[0], [&](const std::string& what) { throw Error(where + ": " + what); });
    const std::string root = ref.view_of ? *ref.view_of : ref.key;
    if (const auto [it, fresh] = types.emplace(root, ref.dtype); !fresh && it->second != ref.dtype)
      throw Error(where + ": storage '" + root + "' is used with two element types");
  }
  std::unordered_map<std::string, std::shared_ptr<const TensorStorage>> storages;
  ByteCursor in(all, where, keys.end);
  for (NodeId k : key_list.items) {
    if (keys[k].kind != Kind::String) throw Error(where + ": a storage key that is not a string");
    const std::string key(keys[k].text);
    const auto type = types.find(key);
    if (type == types.end()) throw Error(where + ": storage '" + key + "' is listed but no tensor uses it");
    const std::uint64_t count = in.u64();
    if (count > std::numeric_limits<std::uint64_t>::max() / 8) in.fail("storage '" + key + "' claims " + std::to_string(count) + " elements");
    const std::string_view data = in.take(count * dtype_size(type->second));
    if (!storages.emplace(key, std::make_shared<const TensorStorage>(
                                   TensorStorage{type->second, static_cast<std::int64_t>(count), data.data(), bytes}))
             .second)
      throw Error(where + ": storage '" + key + "' is listed twice");
  }
  auto source = [&](const StorageRef& ref) -> std::shared_ptr<const TensorStorage> {
    const std::string root = ref.view_of ? *ref.view_of : ref.key;
    const auto it = storages.find(root);
    if (it == storages.end()) throw Error("storage '" + root + "' is missing from the file (truncated?)");
    if (!ref.view_of) {
      if (ref.numel > it->second->numel)
        throw Error("storage '" + root + "' holds " + std::to_string(it->second->numel) + " values, its header says " + std::to_string(ref.numel));
      return it->second;
    }
    if (ref.view_offset > it->second->numel || ref.numel > it->second->numel - ref.view_offset)
      throw Error("storage view '" + ref.key + "' lies outside storage '" + root + "'");
    return std::make_shared<const TensorStorage>(TensorStorage{
        ref.dtype, ref.numel, it->second->data + static_cast<std::size_t>(ref.view_offset) * dtype_size(ref.dtype), bytes});
  };
  return Reader(doc, where, source, bytes).read();
}

}  // namespace

SavedObject parse_torch_file(std::shared_ptr<const std::string> bytes, const std::string& where) {
  const std::string_view b = *bytes;
  if (b.empty()) throw Error(where + ": empty file");
  if (ZipArchive::looks_like_zip(b)) return read_zip(std::move(bytes), where);
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0x80) return read_legacy(std::move(bytes), where);
  if (b.size() > 262 && b.substr(257, 5) == "ustar")
    throw Error(where + ": the tar serialization of PyTorch < 0.4 is not supported; load and save it again with a newer PyTorch");
  throw Error(where + ": not a torch.save file (neither a zip archive nor a pickle)");
}

SavedObject read_torch_file(const std::filesystem::path& file) {
  return parse_torch_file(std::make_shared<const std::string>(read_file(file)), file.string());
}

SavedObject parse_pickle(std::shared_ptr<const std::string> bytes, const std::string& where) {
  const std::string_view b = *bytes;
  if (b.empty()) throw Error(where + ": empty file");
  if (ZipArchive::looks_like_zip(b)) throw Error(where + ": a zip archive (a torch.save file?), not a plain pickle");
  const Document doc = pickle::unpickle(b, where, 0);
  if (doc.end != b.size()) throw Error(where + ": " + std::to_string(b.size() - doc.end) + " bytes after the pickle's STOP (a legacy torch.save file?)");
  auto no_storages = [](const StorageRef&) -> std::shared_ptr<const TensorStorage> {
    throw Error("a storage by persistent id in a plain pickle (a torch.save file?)");
  };
  return Reader(doc, where, no_storages, bytes).read();
}

SavedObject read_pickle_file(const std::filesystem::path& file) {
  return parse_pickle(std::make_shared<const std::string>(read_file(file)), file.string());
}

}  // namespace ofa::common
