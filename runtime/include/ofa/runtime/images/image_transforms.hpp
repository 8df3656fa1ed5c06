// torchvision's eval and training transforms as OFA applies them, on 8-bit RGB images.
#pragma once
#include <cstdint>
#include <string>

#include "ofa/runtime/images/rgb_image.hpp"

namespace ofa::runtime {

// ImageNet's normalisation (torchvision's Normalize in OFA's data providers).
inline constexpr float kImageMean[3] = {0.485f, 0.456f, 0.406f};
inline constexpr float kImageStd[3] = {0.229f, 0.224f, 0.225f};

// The shorter side OFA's evaluation resizes to before cropping r: ceil(r / 0.875).
int eval_resize_size(int resolution);

// torchvision's Resize(size) on a PIL image: the shorter side to `size`, the longer one to
// int(size * long / short), Pillow's antialiased bilinear.
RgbImage resize_shorter_side(const RgbImage& image, int size);

// torchvision's CenterCrop(size): offsets round((H - size) / 2) with Python's round (half to even).
RgbImage center_crop(const RgbImage& image, int size);

// OFA's validation transform up to ToTensor: Resize(ceil(r / 0.875)), CenterCrop(r). An image
// whose shorter side is below the resize size is upscaled, as torchvision does (ImageNet's
// validation set holds images with a 116 px side); only an empty image is an Error naming `where`.
RgbImage eval_crop(const RgbImage& image, int resolution, const std::string& where);

// ToTensor then Normalize: (v / 255 - mean) / std in float32, channels first, into
// out[3 * height * width].
void normalize_to_chw(const RgbImage& image, float* out);

// OFA's calibration augmentation (calib_bn's training transform): RandomResizedCrop(r) with
// scale (0.08, 1) and ratio (3/4, 4/3), RandomHorizontalFlip, ColorJitter(brightness=32/255,
// saturation=0.5) in a random order, as torchvision computes them on a PIL image. The random
// draws come from `seed` alone (our generator, not Python's): same seed, same images.
RgbImage train_augment(const RgbImage& image, int resolution, std::uint64_t seed);

}  // namespace ofa::runtime
