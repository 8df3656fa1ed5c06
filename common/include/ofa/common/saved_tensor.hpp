// A tensor read from a torch.save file without LibTorch: dtype, shape, strides and a view of its bytes.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ofa::common {

// Element types torch.save stores (its storage classes: FloatStorage, HalfStorage, ...).
enum class DType : std::uint8_t { Float32, Float64, Float16, BFloat16, Int64, Int32, Int16, Int8, UInt8, Bool };

std::size_t dtype_size(DType dtype);
std::string_view dtype_name(DType dtype);  // "float32", "float16", ...
bool is_floating(DType dtype);

// One storage of a torch.save file: its bytes stay in the file's buffer, which `owner`
// keeps alive, so tensors read from a file are views, not copies.
struct TensorStorage {
  DType dtype = DType::Float32;
  std::int64_t numel = 0;
  const char* data = nullptr;
  std::shared_ptr<const std::string> owner;
};

// A tensor as torch.save stored it: a strided view of a storage (several tensors may view
// one storage). Checked on reading: every element it views lies inside the storage.
struct SavedTensor {
  DType dtype = DType::Float32;
  std::vector<std::int64_t> sizes;
  std::vector<std::int64_t> strides;  // in elements
  std::int64_t offset = 0;            // in elements, from the storage's start
  std::shared_ptr<const TensorStorage> storage;

  std::int64_t numel() const;
  bool is_contiguous() const;
  // The first element's bytes (the storage's data plus the offset).
  const char* data() const;
  // The values in row-major order, converted to float32 / float64 / int64 (any stored dtype).
  std::vector<float> to_float() const;
  std::vector<double> to_double() const;
  std::vector<std::int64_t> to_int64() const;
  // "[400, 128] float32", for messages.
  std::string describe() const;
};

}  // namespace ofa::common
