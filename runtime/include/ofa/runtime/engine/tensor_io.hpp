// One tensor in a torch.save file, read and written (what infer and bn take and give).
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include <torch/torch.h>

namespace ofa::runtime {

// One tensor saved with torch.save (what `ofa-runtime infer` reads and writes); errors name
// the file.
torch::Tensor load_tensor(const std::filesystem::path& file);
// Saves in torch.save's format, atomically.
void save_tensor(const std::filesystem::path& file, const torch::Tensor& tensor);
// A dict of name -> tensor (a state_dict, a BN file) in torch.save's format, atomically.
void save_state_dict(const std::filesystem::path& file, const std::map<std::string, torch::Tensor>& dict);

}  // namespace ofa::runtime
