#include "ofa/runtime/images/calibration_images.hpp"

#include <numeric>
#include <random>

#include "ofa/common/error.hpp"

namespace ofa::runtime {

using common::Error;

CalibrationImages::CalibrationImages(CalibrationImagesOptions o) : options_(std::move(o)) {
  if (options_.count < 1) throw Error("--calib-count " + std::to_string(options_.count) + " must be at least 1");
  if (options_.batch_size < 1) throw Error("--calib-batch " + std::to_string(options_.batch_size) + " must be at least 1");
  std::vector<LabeledImage> all = list_image_folder(options_.dir, options_.class_list);
  folder_size_ = all.size();
  // A seeded Fisher-Yates shuffle, cut at `count` (OFA: randperm(n)[:n_images]).
  std::vector<std::size_t> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 g(image_seed(~options_.seed, 0)  /* apart from the per-image seeds */);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[g() % i]);
  order.resize(std::min(order.size(), static_cast<std::size_t>(options_.count)));
  for (std::size_t i : order) chosen_.push_back(all[i]);
}

std::size_t CalibrationImages::batch_count() const {
  const std::size_t b = static_cast<std::size_t>(options_.batch_size);
  return (chosen_.size() + b - 1) / b;
}

ImageBatch CalibrationImages::batch(std::size_t i, int resolution) const {
  const std::size_t b = static_cast<std::size_t>(options_.batch_size);
  const std::size_t first = i * b, n = std::min(b, chosen_.size() - first);
  std::vector<std::uint64_t> seeds(n);
  for (std::size_t k = 0; k < n; ++k) seeds[k] = image_seed(options_.seed, first + k);
  return load_train_batch(std::span(chosen_).subspan(first, n), seeds, {resolution, options_.threads, options_.skip_unreadable});
}

}  // namespace ofa::runtime
