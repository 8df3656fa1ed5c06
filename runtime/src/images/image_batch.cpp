#include "ofa/runtime/images/image_batch.hpp"

#include <atomic>
#include <exception>
#include <functional>
#include <thread>

#include "ofa/common/error.hpp"
#include "ofa/runtime/images/image_decoder.hpp"
#include "ofa/runtime/images/image_transforms.hpp"

namespace ofa::runtime {

int decode_threads(int requested) {
  if (requested < 0) throw common::Error("decoding threads " + std::to_string(requested) + " must be >= 0");
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}


namespace {

// Runs `make(i)` for every i on `threads` threads, each writing its image into the batch;
// failures are kept per image, in order.
ImageBatch load_batch(std::span<const LabeledImage> images, const ImageBatchOptions& o,
                      const std::function<RgbImage(std::size_t)>& make) {
  const std::size_t n = images.size();
  const std::int64_t r = o.resolution;
  torch::Tensor all = torch::empty({static_cast<std::int64_t>(n), 3, r, r}, torch::kFloat32);
  float* data = all.data_ptr<float>();
  std::vector<std::string> errors(n);
  std::vector<char> failed(n, 0);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        const RgbImage img = make(i);
        normalize_to_chw(img, data + i * static_cast<std::size_t>(3 * r * r));
      } catch (const std::exception& e) {
        errors[i] = e.what();
        failed[i] = 1;
      }
    }
  };
  const int threads = std::max(1, std::min<int>(o.threads, static_cast<int>(n)));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();

  ImageBatch batch;
  std::vector<std::int64_t> labels, keep;
  for (std::size_t i = 0; i < n; ++i) {
    if (failed[i]) {
      if (!o.skip_unreadable) throw common::Error(errors[i]);
      batch.skipped.push_back(errors[i]);
      continue;
    }
    batch.kept.push_back(i);
    keep.push_back(static_cast<std::int64_t>(i));
    labels.push_back(images[i].label);
  }
  batch.images = keep.size() == n ? all : all.index_select(0, torch::tensor(keep, torch::kInt64));
  batch.labels = torch::tensor(labels, torch::kInt64);
  return batch;
}

}  // namespace

std::uint64_t image_seed(std::uint64_t seed, std::uint64_t position) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (position + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

ImageBatch load_eval_batch(std::span<const LabeledImage> images, const ImageBatchOptions& o) {
  return load_batch(images, o, [&](std::size_t i) {
    const std::string where = images[i].file.string();
    return eval_crop(read_image(images[i].file), o.resolution, where);
  });
}

ImageBatch load_train_batch(std::span<const LabeledImage> images, std::span<const std::uint64_t> seeds, const ImageBatchOptions& o) {
  if (seeds.size() != images.size()) throw std::invalid_argument("one seed per image");
  return load_batch(images, o, [&](std::size_t i) { return train_augment(read_image(images[i].file), o.resolution, seeds[i]); });
}

}  // namespace ofa::runtime
