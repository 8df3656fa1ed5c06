// ONNX TensorProto <-> LibTorch tensor, for the quantization files only (needs ONNX's headers).
#pragma once
#include <cstring>
#include <string>

#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include "ofa/common/error.hpp"

namespace ofa::runtime {

// A float32 initializer as onnx_subnet_bytes writes them (raw data), as a CPU tensor.
inline torch::Tensor float_tensor_of(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::FLOAT || !t.has_raw_data())
    throw common::Error("initializer '" + t.name() + "' is not raw float32 (not a model onnx_subnet_bytes wrote)");
  std::vector<std::int64_t> dims(t.dims().begin(), t.dims().end());
  torch::Tensor v = torch::empty(dims, torch::kFloat32);
  if (t.raw_data().size() != static_cast<std::size_t>(v.numel()) * sizeof(float))
    throw common::Error("initializer '" + t.name() + "' holds " + std::to_string(t.raw_data().size()) + " bytes for its shape");
  std::memcpy(v.data_ptr(), t.raw_data().data(), t.raw_data().size());
  return v;
}

// `t` (float32, int8, uint8 or int32) as initializer `name` of `g`, raw little-endian data.
inline void add_initializer(onnx::GraphProto& g, const std::string& name, const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous().cpu();
  onnx::TensorProto* p = g.add_initializer();
  p->set_name(name);
  switch (c.scalar_type()) {
    case torch::kFloat32: p->set_data_type(onnx::TensorProto::FLOAT); break;
    case torch::kInt8: p->set_data_type(onnx::TensorProto::INT8); break;
    case torch::kUInt8: p->set_data_type(onnx::TensorProto::UINT8); break;
    case torch::kInt32: p->set_data_type(onnx::TensorProto::INT32); break;
    default: throw common::Error("initializer '" + name + "': no ONNX type for " + std::string(c10::toString(c.scalar_type())));
  }
  for (std::int64_t d : c.sizes()) p->add_dims(d);
  p->set_raw_data(std::string(static_cast<const char*>(c.data_ptr()), static_cast<std::size_t>(c.nbytes())));
}

}  // namespace ofa::runtime
