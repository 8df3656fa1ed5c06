#include "ofa/runtime/engine/state_dict.hpp"

#include <cstdint>

#include "ofa/common/error.hpp"
#include "ofa/common/state_dict_file.hpp"

namespace ofa::runtime {

using common::DType;
using common::Error;

namespace {

torch::ScalarType scalar_type(DType dtype) {
  switch (dtype) {
    case DType::Float32: return torch::kFloat32;
    case DType::Float64: return torch::kFloat64;
    case DType::Float16: return torch::kFloat16;
    case DType::BFloat16: return torch::kBFloat16;
    case DType::Int64: return torch::kInt64;
    case DType::Int32: return torch::kInt32;
    case DType::Int16: return torch::kInt16;
    case DType::Int8: return torch::kInt8;
    case DType::UInt8: return torch::kUInt8;
    case DType::Bool: return torch::kBool;
  }
  throw Error("unknown element type");
}

}  // namespace

torch::Tensor to_torch(const common::SavedTensor& t) {
  const auto options = torch::TensorOptions().dtype(scalar_type(t.dtype));
  // The view covers the storage from its start so that offset and strides mean what they
  // meant in PyTorch; the reader has checked that every element lies inside.
  char* base = const_cast<char*>(t.storage->data);  // the buffer is ours, never mapped read-only
  std::shared_ptr<const std::string> owner = t.storage->owner;
  const torch::Tensor view = torch::from_blob(
      base, {t.storage->numel}, [owner](void*) mutable { owner.reset(); }, options);
  torch::Tensor out = view.as_strided(t.sizes, t.strides, t.offset);
  const bool aligned = reinterpret_cast<std::uintptr_t>(base) % common::dtype_size(t.dtype) == 0;
  return aligned ? out : out.clone();  // legacy files pack storages at any byte offset
}

StateDict torch_state_dict(const common::SavedObject& object, const std::string& where) {
  StateDict out;
  for (const auto& [key, t] : common::to_state_dict(object, where)) out.emplace(key, to_torch(t));
  return out;
}

StateDict load_state_dict(const std::filesystem::path& file) { return torch_state_dict(common::read_torch_file(file), file.string()); }

const torch::Tensor& require(const StateDict& dict, const std::string& key, const std::string& where) {
  auto it = dict.find(key);
  if (it == dict.end()) throw Error(where + ": missing key '" + key + "'");
  return it->second;
}

}  // namespace ofa::runtime
