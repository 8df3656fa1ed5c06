#include "ofa/runtime/engine/tensor_io.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/torch_file.hpp"
#include "ofa/runtime/engine/state_dict.hpp"

namespace ofa::runtime {

torch::Tensor load_tensor(const std::filesystem::path& file) {
  const common::SavedObject o = common::read_torch_file(file);
  if (o.kind != common::SavedObject::Kind::Tensor)
    throw common::Error(file.string() + ": expected one tensor, got a " + std::string(o.kind_name()));
  return to_torch(o.tensor);
}

void save_tensor(const std::filesystem::path& file, const torch::Tensor& tensor) {
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(tensor.detach().to(torch::kCPU).contiguous()));
  common::write_file_atomic(file, std::string_view(bytes.data(), bytes.size()));
}

void save_state_dict(const std::filesystem::path& file, const std::map<std::string, torch::Tensor>& dict) {
  c10::impl::GenericDict d(c10::StringType::get(), c10::TensorType::get());
  for (const auto& [k, v] : dict) d.insert(k, v.detach().to(torch::kCPU).contiguous());
  const std::vector<char> bytes = torch::pickle_save(d);
  common::write_file_atomic(file, std::string_view(bytes.data(), bytes.size()));
}

}  // namespace ofa::runtime
