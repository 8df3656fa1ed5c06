// A Python pickle run as data (classes named, never called): the subset torch.save and LibTorch write.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ofa::common::pickle {

// The objects a pickle builds, as a graph of nodes (never executed: a class is only named).
// Containers are referenced by id so that the memo shares them as Python does; a cycle a
// hostile pickle builds is then just a graph, and whoever walks it bounds its depth.
using NodeId = std::uint32_t;

// What a reader may allocate for the objects of a pickle of `bytes` bytes: kMemoryPerByte times
// its size plus kMemorySlack (docs/robustness.md). Every byte of a pickle makes at most one
// object; a valid file's objects are a few bytes each, so only a hostile one meets the bound.
inline constexpr std::size_t kMemoryPerByte = 16;
inline constexpr std::size_t kMemorySlack = std::size_t{64} << 20;
inline std::size_t memory_bound(std::size_t bytes) { return kMemoryPerByte * bytes + kMemorySlack; }

enum class Kind : std::uint8_t {
  None,
  Bool,
  Int,
  BigInt,        // an integer beyond 64 bits: `text` holds its little-endian two's complement bytes
  Float,
  String,
  Bytes,
  Tuple,
  List,
  Dict,          // items: key, value, key, value... in insertion order (duplicates kept; last wins)
  Global,        // a class or function named `text`.`name` (GLOBAL, STACK_GLOBAL)
  PersistentId,  // items: {the id} (BINPERSID: how torch.save refers to storages)
  Reduce,        // items: {callable, arguments[, state from BUILD]} (REDUCE, NEWOBJ)
};

struct Node {
  Kind kind = Kind::None;
  std::int64_t integer = 0;  // Bool, Int
  double real = 0;           // Float
  std::string_view text;     // String, Bytes, BigInt, Global's module: a view into the pickle's bytes
  std::string_view name;     // Global's name within its module
  std::vector<NodeId> items;
};

struct Document {
  std::vector<Node> nodes;
  NodeId root = 0;
  std::size_t end = 0;  // the offset just after STOP
  const Node& operator[](NodeId id) const { return nodes[id]; }
};

// Runs the pickle starting at `offset` in `bytes` (protocols 0-5, binary opcodes; what
// torch.save and LibTorch write) up to its STOP. Nodes view `bytes`, which must outlive the
// document. Errors name `where`, the offset and the opcode.
Document unpickle(std::string_view bytes, const std::string& where, std::size_t offset = 0);

const char* kind_name(Kind kind);
// The kind with its article, for messages: "an object", "an int", "a dict", "None".
std::string a_kind(std::string_view kind_name);

}  // namespace ofa::common::pickle
