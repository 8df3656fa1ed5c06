// A batch of images as the network sees them, decoded and transformed by a pool of threads.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "ofa/runtime/images/image_folder.hpp"

namespace ofa::runtime {

// Decoding threads: `requested`, or the machine's cores for 0.
int decode_threads(int requested);

// A batch of images as the network sees them, decoded by a pool of threads.
struct ImageBatch {
  torch::Tensor images;              // float32 [n, 3, r, r], normalised
  torch::Tensor labels;              // int64 [n]
  std::vector<std::size_t> kept;     // positions (in the list given) of the images in the batch
  std::vector<std::string> skipped;  // one line per image left out (--skip-unreadable)
};

struct ImageBatchOptions {
  int resolution = 224;
  int threads = 1;               // decoding threads
  bool skip_unreadable = false;  // leave out images that fail (else the first failure is an Error)
};

// OFA's validation transform of each image (eval_crop, normalize_to_chw).
ImageBatch load_eval_batch(std::span<const LabeledImage> images, const ImageBatchOptions& options);

// OFA's calibration augmentation; image i of the list draws from seeds[i], so a batch is the
// same whatever the thread count.
ImageBatch load_train_batch(std::span<const LabeledImage> images, std::span<const std::uint64_t> seeds,
                            const ImageBatchOptions& options);

// A seed per (run seed, image position), well mixed (SplitMix64).
std::uint64_t image_seed(std::uint64_t seed, std::uint64_t position);

}  // namespace ofa::runtime
