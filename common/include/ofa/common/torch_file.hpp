// The torch-free reader of torch.save files, both serializations (zip and legacy).
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ofa/common/saved_tensor.hpp"

namespace ofa::common {

// What a torch.save file holds, read without LibTorch: the subset of Python objects that
// torch.save writes for tensors, state_dicts and checkpoints.
struct SavedObject {
  // Object: an instance of a named class rebuilt from its state as a plain record (`text`
  // holds "module.Class", keys/items its fields), never by calling the class: what
  // `Class()` then BUILD with a dict writes (ofa.utils.AverageMeter in Dynamic-OFA's files).
  enum class Kind : std::uint8_t { None, Bool, Int, Float, String, Bytes, Tensor, List, Tuple, Dict, Object };

  Kind kind = Kind::None;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;                  // String, Bytes; Object: its class
  SavedTensor tensor;                // Tensor
  std::vector<SavedObject> items;    // List, Tuple; Dict: the values
  std::vector<SavedObject> keys;     // Dict, Object: the keys, in insertion order, without duplicates

  // A Dict's (or an Object's field's) value under a string key, or nullptr.
  const SavedObject* find(std::string_view key) const;
  // "dict", "tensor", ... for messages.
  std::string_view kind_name() const;
  // A key rendered for messages and paths ('a.weight', 3).
  std::string key_text() const;
};

// Reads a file written by torch.save, in the zip serialization (PyTorch >= 1.6, LibTorch's
// pickle_save) or the legacy one (before 1.6). Tensors are views of the file's bytes.
// Anything torch.save would not write for tensors and containers (another class, a storage
// shorter than its tensor, a truncated member...) is an Error naming the file and the key.
SavedObject read_torch_file(const std::filesystem::path& file);
// The same over bytes already in memory; `where` names them in errors.
SavedObject parse_torch_file(std::shared_ptr<const std::string> bytes, const std::string& where);

// A plain Python pickle (not a torch.save file: no zip, no magic number), run as data with
// the same rules, plus what pickles of numpy arrays and of tensors hold: numpy arrays
// (`numpy.core.multiarray._reconstruct`, little-endian float64, float32 and int64 as tensors;
// object arrays as nested lists, like ndarray.tolist()), records of named classes, and
// storages saved inside bytes (`torch.storage._load_from_bytes`, a legacy torch.save of one
// storage, whatever device it names). Dynamic-OFA's level files are such pickles.
SavedObject read_pickle_file(const std::filesystem::path& file);
SavedObject parse_pickle(std::shared_ptr<const std::string> bytes, const std::string& where);

}  // namespace ofa::common
