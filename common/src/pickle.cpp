#include "ofa/common/pickle.hpp"

#include <cstdio>
#include <unordered_map>

#include "ofa/common/byte_cursor.hpp"

namespace ofa::common::pickle {

namespace {

// Builds a node field by field (designated initialisers would leave the rest unnamed).
struct make {
  Node n;
  explicit make(Kind k) { n.kind = k; }
  make& integer(std::int64_t v) { n.integer = v; return *this; }
  make& real(double v) { n.real = v; return *this; }
  make& text(std::string_view v) { n.text = v; return *this; }
  make& name(std::string_view v) { n.name = v; return *this; }
  make& items(std::vector<NodeId> v) { n.items = std::move(v); return *this; }
  operator Node() { return std::move(n); }
};

class Machine {
 public:
  // What the objects may take is bounded by the pickle's size (kMemoryPerByte times it, plus
  // kMemorySlack): a 16 MB list of 8 million small ints took 2.1 GB before it was refused.
  Machine(std::string_view bytes, const std::string& where, std::size_t offset)
      : in_(bytes, where, offset), max_nodes_(memory_bound(bytes.size() - std::min(offset, bytes.size())) / sizeof(Node)) {}

  Document run() {
    for (;;) {
      op_pos_ = in_.pos();
      if (in_.at_end()) in_.fail("truncated pickle (no STOP) at offset " + std::to_string(op_pos_));
      op_ = in_.u8();
      if (op_ == '.') break;
      step();
    }
    if (stack_.size() != 1 || !marks_.empty()) fail("the pickle ends with " + std::to_string(stack_.size()) + " objects on its stack");
    doc_.root = stack_.back();
    doc_.end = in_.pos();
    return std::move(doc_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    char op[8];
    std::snprintf(op, sizeof op, "0x%02x", op_);
    in_.fail("pickle opcode " + std::string(op) + " at offset " + std::to_string(op_pos_) + ": " + what);
  }

  NodeId add(Node n) {
    if (doc_.nodes.size() >= 0xFFFFFFF0u) fail("too many objects");
    if (doc_.nodes.size() >= max_nodes_)
      fail("more objects (" + std::to_string(doc_.nodes.size()) + ") than " + std::to_string(kMemoryPerByte) +
           " times the pickle's size allows in memory (a list of millions of items?)");
    doc_.nodes.push_back(std::move(n));
    return static_cast<NodeId>(doc_.nodes.size() - 1);
  }
  NodeId add(Kind k) { return add(make(k)); }
  void push(NodeId id) { stack_.push_back(id); }
  NodeId pop() {
    if (stack_.size() <= floor()) fail("stack underflow");
    const NodeId id = stack_.back();
    stack_.pop_back();
    return id;
  }
  NodeId top() {
    if (stack_.size() <= floor()) fail("stack underflow");
    return stack_.back();
  }
  std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  // The objects since the last MARK, which is removed.
  std::vector<NodeId> pop_mark() {
    if (marks_.empty()) fail("no MARK");
    const std::size_t m = marks_.back();
    marks_.pop_back();
    std::vector<NodeId> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  Node& container(NodeId id, Kind want) {
    Node& n = doc_.nodes[id];
    if (n.kind != want) fail(std::string("expected a ") + kind_name(want) + ", found a " + kind_name(n.kind));
    return n;
  }
  void push_int(std::int64_t v) { push(add(make(Kind::Int).integer(v))); }
  void push_text(Kind k, std::uint64_t n) { push(add(make(k).text(in_.take(n)))); }
  void push_long(std::uint64_t n) {
    const std::string_view b = in_.take(n);
    if (n <= 8) {
      std::uint64_t v = 0;
      for (std::size_t i = n; i-- > 0;) v = (v << 8) | static_cast<std::uint8_t>(b[i]);
      if (n > 0 && n < 8 && (static_cast<std::uint8_t>(b[n - 1]) & 0x80)) v |= ~std::uint64_t{0} << (8 * n);  // sign-extend
      push_int(static_cast<std::int64_t>(v));
    } else {
      push(add(make(Kind::BigInt).text(b)));
    }
  }
  std::string_view line() {
    const std::size_t start = in_.pos();
    while (!in_.at_end() && in_.u8() != '\n') {
    }
    const std::size_t len = in_.pos() - start;
    in_.seek(start);
    std::string_view l = in_.take(len);
    if (l.empty() || l.back() != '\n') fail("unterminated line");
    return l.substr(0, l.size() - 1);
  }
  void memo_put(std::uint64_t index) {
    if (index > 0xFFFFFFFFu) fail("memo index too large");
    memo_[static_cast<std::uint32_t>(index)] = top();
  }
  void memo_get(std::uint64_t index) {
    const auto it = index > 0xFFFFFFFFu ? memo_.end() : memo_.find(static_cast<std::uint32_t>(index));
    if (it == memo_.end()) fail("memo entry " + std::to_string(index) + " was never stored");
    push(it->second);
  }
  void set_items(NodeId dict, const std::vector<NodeId>& kv) {
    if (kv.size() % 2) fail("odd number of items for a dict");
    Node& d = container(dict, Kind::Dict);
    d.items.insert(d.items.end(), kv.begin(), kv.end());
  }
  void reduce(NodeId callable, NodeId args) {
    const Node& c = doc_.nodes[callable];
    if (c.kind != Kind::Global) fail(std::string("calls a ") + kind_name(c.kind) + ", not a class");
    if (doc_.nodes[args].kind != Kind::Tuple) fail("arguments are not a tuple");
    // OrderedDict (what state_dict() returns) is the one class rebuilt here: later opcodes
    // fill it as a dict.
    if (c.text == "collections" && c.name == "OrderedDict") {
      if (!doc_.nodes[args].items.empty()) fail("OrderedDict with arguments");
      push(add(Kind::Dict));
      return;
    }
    push(add(make(Kind::Reduce).items({callable, args})));
  }

  // Each opcode family in its own switch: every one answers whether the opcode was its own.
  void step() {
    if (stack_op() || scalar_op() || text_op() || sequence_op() || dict_op() || object_op() || memo_op()) return;
    fail("not supported (not one torch.save writes)");
  }

  // Framing, MARK and the stack's own ops.
  bool stack_op() {
    switch (op_) {
      case 0x80: in_.u8(); return true;   // PROTO
      case 0x95: in_.u64(); return true;  // FRAME: a hint for buffering
      case '(': marks_.push_back(stack_.size()); return true;
      case '0': pop(); return true;
      case '1': pop_mark(); return true;
      case '2': push(top()); return true;  // DUP
      default: return false;
    }
  }

  bool scalar_op() {
    switch (op_) {
      case 'N': push(add(Kind::None)); return true;
      case 0x88: push(add(make(Kind::Bool).integer(1))); return true;
      case 0x89: push(add(make(Kind::Bool).integer(0))); return true;
      case 'J': push_int(static_cast<std::int32_t>(in_.u32())); return true;
      case 'K': push_int(in_.u8()); return true;
      case 'M': push_int(in_.u16()); return true;
      case 0x8a: push_long(in_.u8()); return true;
      case 0x8b: {
        const auto n = static_cast<std::int32_t>(in_.u32());
        if (n < 0) fail("negative length");
        push_long(static_cast<std::uint64_t>(n));
        return true;
      }
      case 'G': {
        const std::uint64_t bits = __builtin_bswap64(in_.u64());  // big-endian on disk
        push(add(make(Kind::Float).real(bit_copy<double>(bits))));
        return true;
      }
      default: return false;
    }
  }

  // Strings and bytes, by the width of their length.
  bool text_op() {
    switch (op_) {
      case 'X': push_text(Kind::String, in_.u32()); return true;
      case 0x8c: push_text(Kind::String, in_.u8()); return true;
      case 0x8d: push_text(Kind::String, in_.u64()); return true;
      case 'T': {
        const auto n = static_cast<std::int32_t>(in_.u32());
        if (n < 0) fail("negative length");
        push_text(Kind::String, static_cast<std::uint64_t>(n));
        return true;
      }
      case 'U': push_text(Kind::String, in_.u8()); return true;
      case 'B': push_text(Kind::Bytes, in_.u32()); return true;
      case 'C': push_text(Kind::Bytes, in_.u8()); return true;
      case 0x8e: push_text(Kind::Bytes, in_.u64()); return true;
      default: return false;
    }
  }

  // Tuples and lists.
  bool sequence_op() {
    switch (op_) {
      case ')': push(add(Kind::Tuple)); return true;
      case 't': push(add(make(Kind::Tuple).items(pop_mark()))); return true;
      case 0x85: case 0x86: case 0x87: {
        std::vector<NodeId> items(static_cast<std::size_t>(op_ - 0x84));
        for (std::size_t i = items.size(); i-- > 0;) items[i] = pop();
        push(add(make(Kind::Tuple).items(std::move(items))));
        return true;
      }
      case ']': push(add(Kind::List)); return true;
      case 'l': push(add(make(Kind::List).items(pop_mark()))); return true;
      case 'a': {
        const NodeId v = pop();
        container(top(), Kind::List).items.push_back(v);
        return true;
      }
      case 'e': {
        std::vector<NodeId> items = pop_mark();
        Node& l = container(top(), Kind::List);
        l.items.insert(l.items.end(), items.begin(), items.end());
        return true;
      }
      default: return false;
    }
  }

  bool dict_op() {
    switch (op_) {
      case '}': push(add(Kind::Dict)); return true;
      case 'd': {
        const std::vector<NodeId> kv = pop_mark();
        push(add(Kind::Dict));
        set_items(top(), kv);
        return true;
      }
      case 's': {
        const NodeId v = pop(), k = pop();
        set_items(top(), {k, v});
        return true;
      }
      case 'u': {
        const std::vector<NodeId> kv = pop_mark();
        set_items(top(), kv);
        return true;
      }
      default: return false;
    }
  }

  // Classes, their calls and states, and persistent ids.
  bool object_op() {
    switch (op_) {
      case 'c': {
        const std::string_view module = line(), name = line();
        push(add(make(Kind::Global).text(module).name(name)));
        return true;
      }
      case 0x93: {  // STACK_GLOBAL
        const NodeId name = pop(), module = pop();
        const Node &m = doc_.nodes[module], &n = doc_.nodes[name];
        if (m.kind != Kind::String || n.kind != Kind::String) fail("STACK_GLOBAL needs two strings");
        push(add(make(Kind::Global).text(m.text).name(n.text)));
        return true;
      }
      case 'R': case 0x81: {  // REDUCE, NEWOBJ
        const NodeId args = pop(), callable = pop();
        reduce(callable, args);
        return true;
      }
      case 'b': build(); return true;  // BUILD
      case 'Q': {
        const NodeId pid = pop();
        push(add(make(Kind::PersistentId).items({pid})));
        return true;
      }
      default: return false;
    }
  }

  void build() {
    const NodeId state = pop();
    Node& obj = doc_.nodes[top()];
    if (obj.kind == Kind::Dict) return;  // an OrderedDict's attributes (state_dict's _metadata)
    if (obj.kind != Kind::Reduce) fail(std::string("BUILD on a ") + kind_name(obj.kind));
    obj.items.resize(2);
    obj.items.push_back(state);
  }

  bool memo_op() {
    switch (op_) {
      case 'q': memo_put(in_.u8()); return true;
      case 'r': memo_put(in_.u32()); return true;
      case 0x94: memo_put(memo_.size()); return true;  // MEMOIZE
      case 'h': memo_get(in_.u8()); return true;
      case 'j': memo_get(in_.u32()); return true;
      default: return false;
    }
  }

  ByteCursor in_;
  std::size_t max_nodes_;
  Document doc_;
  std::vector<NodeId> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint32_t, NodeId> memo_;
  std::size_t op_pos_ = 0;
  std::uint8_t op_ = 0;
};

}  // namespace

Document unpickle(std::string_view bytes, const std::string& where, std::size_t offset) {
  return Machine(bytes, where, offset).run();
}

std::string a_kind(std::string_view name) {
  if (name == "None") return "None";
  const bool vowel = !name.empty() && std::string_view("aeiou").find(name.front()) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(name);
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::BigInt: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "string";
    case Kind::Bytes: return "bytes";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "class";
    case Kind::PersistentId: return "persistent id";
    case Kind::Reduce: return "object";
  }
  return "?";
}

}  // namespace ofa::common::pickle
