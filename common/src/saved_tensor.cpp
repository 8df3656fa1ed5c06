#include "ofa/common/saved_tensor.hpp"

#include <bit>
#include <cstring>
#include <type_traits>

#include "ofa/common/byte_cursor.hpp"
#include "ofa/common/error.hpp"

namespace ofa::common {

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::Float64: case DType::Int64: return 8;
    case DType::Float32: case DType::Int32: return 4;
    case DType::Float16: case DType::BFloat16: case DType::Int16: return 2;
    case DType::Int8: case DType::UInt8: case DType::Bool: return 1;
  }
  return 1;
}

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Float16: return "float16";
    case DType::BFloat16: return "bfloat16";
    case DType::Int64: return "int64";
    case DType::Int32: return "int32";
    case DType::Int16: return "int16";
    case DType::Int8: return "int8";
    case DType::UInt8: return "uint8";
    case DType::Bool: return "bool";
  }
  return "?";
}

bool is_floating(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float64 || dtype == DType::Float16 || dtype == DType::BFloat16;
}

namespace {

// PyTorch writes storages little-endian; they are read in the host's order (x86-64, aarch64).
static_assert(std::endian::native == std::endian::little, "storages are read in the host order");

template <class T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // storages in legacy files are not aligned
  return v;
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = std::uint32_t(h & 0x8000) << 16;
  std::uint32_t exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  std::uint32_t bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);  // inf, NaN
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {  // subnormal: normalise
    exp = 113;
    while (!(mant & 0x400)) {
      mant <<= 1;
      --exp;
    }
    bits = sign | (exp << 23) | ((mant & 0x3FF) << 13);
  }
  return bit_copy<float>(bits);
}

double element(DType dtype, const char* p) {
  switch (dtype) {
    case DType::Float32: return load<float>(p);
    case DType::Float64: return load<double>(p);
    case DType::Float16: return half_to_float(load<std::uint16_t>(p));
    case DType::BFloat16: return bit_copy<float>(std::uint32_t(load<std::uint16_t>(p)) << 16);
    case DType::Int64: return static_cast<double>(load<std::int64_t>(p));
    case DType::Int32: return load<std::int32_t>(p);
    case DType::Int16: return load<std::int16_t>(p);
    case DType::Int8: return load<std::int8_t>(p);
    case DType::UInt8: return load<std::uint8_t>(p);
    case DType::Bool: return load<std::uint8_t>(p) != 0;
  }
  return 0;
}

// Calls f(pointer to element) for every element in row-major order.
template <class F>
void for_each_element(const SavedTensor& t, F&& f) {
  const std::int64_t n = t.numel();
  if (n == 0) return;
  const std::size_t es = dtype_size(t.dtype);
  const std::size_t dims = t.sizes.size();
  std::vector<std::int64_t> index(dims, 0);
  std::int64_t linear = t.offset;
  for (std::int64_t k = 0; k < n; ++k) {
    f(t.storage->data + static_cast<std::size_t>(linear) * es);
    for (std::size_t d = dims; d-- > 0;) {
      if (++index[d] < t.sizes[d]) {
        linear += t.strides[d];
        break;
      }
      linear -= (t.sizes[d] - 1) * t.strides[d];
      index[d] = 0;
    }
  }
}

template <class T>
std::vector<T> convert(const SavedTensor& t) {
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(t.numel()));
  if constexpr (std::is_same_v<T, std::int64_t>)
    if (is_floating(t.dtype)) throw Error("a " + t.describe() + " tensor where integers are expected");
  if (t.dtype == DType::Int64 && std::is_same_v<T, std::int64_t>) {  // exact above 2^53
    for_each_element(t, [&](const char* p) { out.push_back(static_cast<T>(load<std::int64_t>(p))); });
  } else {
    for_each_element(t, [&](const char* p) { out.push_back(static_cast<T>(element(t.dtype, p))); });
  }
  return out;
}

}  // namespace

std::int64_t SavedTensor::numel() const {
  std::int64_t n = 1;
  for (std::int64_t s : sizes) n *= s;
  return n;
}

bool SavedTensor::is_contiguous() const {
  std::int64_t expected = 1;
  for (std::size_t d = sizes.size(); d-- > 0;) {
    if (sizes[d] != 1 && strides[d] != expected) return false;
    expected *= sizes[d];
  }
  return true;
}

const char* SavedTensor::data() const { return storage->data + static_cast<std::size_t>(offset) * dtype_size(dtype); }

std::vector<float> SavedTensor::to_float() const { return convert<float>(*this); }
std::vector<double> SavedTensor::to_double() const { return convert<double>(*this); }
std::vector<std::int64_t> SavedTensor::to_int64() const { return convert<std::int64_t>(*this); }

std::string SavedTensor::describe() const {
  std::string s = "[";
  for (std::size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "] " + std::string(dtype_name(dtype));
}

}  // namespace ofa::common
