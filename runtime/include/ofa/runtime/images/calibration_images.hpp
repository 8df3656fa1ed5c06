// OFA's calibration set for BN: images drawn from a folder and augmented as its calib_bn does, in batches.
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/images/image_folder.hpp"

namespace ofa::runtime {

// OFA's calib_bn data: `count` images drawn without replacement from an image folder (all of
// them when it holds fewer), in the drawn order, cut into batches of `batch_size` (the last
// one short), each image augmented with its own seed. The draw depends on `seed` only, so
// every candidate of a resolution sees the same batches, as OFA's cached sub-train loader.
struct CalibrationImagesOptions {
  std::filesystem::path dir;
  std::filesystem::path class_list;
  int count = 2000;
  int batch_size = 200;
  std::uint64_t seed = 0;
  int threads = 1;
  bool skip_unreadable = false;
};

class CalibrationImages {
 public:
  explicit CalibrationImages(CalibrationImagesOptions options);
  std::size_t batch_count() const;
  std::size_t image_count() const { return chosen_.size(); }
  // The images drawn, in the drawn order (the others of the folder are held out).
  const std::vector<LabeledImage>& images() const { return chosen_; }
  std::size_t folder_size() const { return folder_size_; }
  // Batch i at resolution r, decoded and augmented now (nothing is cached).
  ImageBatch batch(std::size_t i, int resolution) const;

 private:
  CalibrationImagesOptions options_;
  std::vector<LabeledImage> chosen_;
  std::size_t folder_size_ = 0;
};

}  // namespace ofa::runtime
