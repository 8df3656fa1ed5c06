// A state_dict of LibTorch tensors: read from torch.save files through the torch-free reader, and written.
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include <torch/torch.h>

#include "ofa/common/saved_tensor.hpp"
#include "ofa/common/torch_file.hpp"

namespace ofa::runtime {

// A PyTorch state_dict: name -> tensor, in name order.
using StateDict = std::map<std::string, torch::Tensor>;

// A tensor read by the torch-free reader as a LibTorch tensor on the CPU: a view of the
// file's bytes (which it keeps alive) when they are aligned for the element type, else a copy.
torch::Tensor to_torch(const common::SavedTensor& tensor);

// A state_dict (a dict of name -> tensor, or OFA's {'state_dict': {...}} checkpoint layout)
// as LibTorch tensors. `where` names it in errors.
StateDict torch_state_dict(const common::SavedObject& object, const std::string& where);
StateDict load_state_dict(const std::filesystem::path& file);

// The tensor under `key`, or Error("<where>: missing key 'key'").
const torch::Tensor& require(const StateDict& dict, const std::string& key, const std::string& where);

}  // namespace ofa::runtime
