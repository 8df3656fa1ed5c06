// A state_dict read from a torch.save file without LibTorch (plain or OFA's {'state_dict': ...} layout).
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include "ofa/common/saved_tensor.hpp"
#include "ofa/common/torch_file.hpp"

namespace ofa::common {

// A PyTorch state_dict read without LibTorch: name -> tensor, in name order.
using SavedStateDict = std::map<std::string, SavedTensor>;

// A state_dict from what torch.save stored: a dict of name -> tensor, or a checkpoint in
// OFA's published layout {'state_dict': {...}, 'epoch': ..., ...}. Errors name `where` and
// the key at fault.
SavedStateDict to_state_dict(const SavedObject& object, const std::string& where);
SavedStateDict read_state_dict(const std::filesystem::path& file);

// The tensor under `key`, or Error("<where>: missing key 'key'").
const SavedTensor& require(const SavedStateDict& dict, const std::string& key, const std::string& where);

}  // namespace ofa::common
