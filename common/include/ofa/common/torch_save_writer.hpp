// Writes a state_dict as a torch.save zip file without LibTorch (what PyTorch and LibTorch both load).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace ofa::common {

// A float32 tensor to save: row-major values and their shape (empty shape: a scalar).
struct FloatTensor {
  std::vector<std::int64_t> sizes;
  std::vector<float> values;
};

// name -> tensor, saved in this order (a state_dict's order: PyTorch keeps insertion order).
using FloatStateDict = std::vector<std::pair<std::string, FloatTensor>>;

// The bytes of `torch.save(d, f)` for a dict of contiguous float32 tensors: a zip archive of
// stored members (archive/data.pkl, a protocol-2 pickle of a dict whose tensors are
// torch._utils._rebuild_tensor_v2 of persistent storages; archive/data/<i>, each aligned to
// 64 bytes as PyTorch writes them; archive/byteorder; archive/version). Error when a name
// repeats, a tensor's values do not match its shape, or the archive would need ZIP64 (4 GiB:
// far beyond what the toolchain saves).
std::string torch_save_bytes(const FloatStateDict& dict);

// torch_save_bytes written atomically (temp file + rename) to `path`.
void write_torch_save(const std::filesystem::path& path, const FloatStateDict& dict);

}  // namespace ofa::common
