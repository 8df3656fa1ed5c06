#include "ofa/runtime/images/image_transforms.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "ofa/common/error.hpp"
#include "ofa/runtime/images/image_resample.hpp"

namespace ofa::runtime {

int eval_resize_size(int resolution) { return static_cast<int>(std::ceil(resolution / 0.875)); }

RgbImage resize_shorter_side(const RgbImage& image, int size) {
  const int w = image.width, h = image.height;
  const int shorter = std::min(w, h), longer = std::max(w, h);
  // Python: int(size * long / short), a double division truncated.
  const int new_long = static_cast<int>(static_cast<double>(size) * longer / shorter);
  const int new_w = w <= h ? size : new_long, new_h = w <= h ? new_long : size;
  return resize_bilinear(image, new_w, new_h);
}

namespace {

// Python's round() of d / 2 for an integer d: halves go to the even neighbour.
int round_half(int d) {
  const int q = d / 2;
  if (d % 2 == 0) return q;
  return q % 2 == 0 ? q : q + 1;
}

}  // namespace

RgbImage center_crop(const RgbImage& image, int size) {
  return crop(image, round_half(image.width - size), round_half(image.height - size), size, size);
}

namespace {

// An image without pixels is bad input (the decoders never make one); a small image is not:
// torchvision's transforms upscale it.
void require_pixels(const RgbImage& image, const std::string& where) {
  if (image.width < 1 || image.height < 1)
    throw common::Error((where.empty() ? "" : where + ": ") + "image of " + std::to_string(image.width) + "x" +
                        std::to_string(image.height) + " pixels is empty");
}

}  // namespace

RgbImage eval_crop(const RgbImage& image, int resolution, const std::string& where) {
  require_pixels(image, where);
  // The shorter side goes to ceil(r / 0.875) > r, up or down, so the crop always fits. Only
  // the crop is resampled (the same bytes as resize_shorter_side then center_crop), so a very
  // thin image costs no more than another; one whose longer side would pass 2^31 - 1 pixels,
  // beyond what Pillow can hold, is refused.
  const int size = eval_resize_size(resolution);
  const double shorter = std::min(image.width, image.height), longer = std::max(image.width, image.height);
  const double new_long = std::floor(static_cast<double>(size) * longer / shorter);
  if (new_long > std::numeric_limits<int>::max())
    throw common::Error(where + ": image of " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                        " pixels would be resized to " + std::to_string(static_cast<long long>(new_long)) + " px by " +
                        std::to_string(size) + ", too large");
  const int new_w = image.width <= image.height ? size : static_cast<int>(new_long);
  const int new_h = image.width <= image.height ? static_cast<int>(new_long) : size;
  return resize_bilinear_region(image, new_w, new_h, round_half(new_w - resolution), round_half(new_h - resolution), resolution,
                                resolution);
}

void normalize_to_chw(const RgbImage& image, float* out) {
  const std::size_t plane = static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height);
  // torchvision divides by 255 then subtracts and divides, each rounded to float32: a table
  // of the 256 results per channel is the same arithmetic.
  float table[3][256];
  for (int c = 0; c < 3; ++c)
    for (int v = 0; v < 256; ++v) table[c][v] = (static_cast<float>(v) / 255.0f - kImageMean[c]) / kImageStd[c];
  const std::uint8_t* p = image.pixels.data();
  for (std::size_t i = 0; i < plane; ++i)
    for (int c = 0; c < 3; ++c) out[static_cast<std::size_t>(c) * plane + i] = table[c][p[3 * i + static_cast<std::size_t>(c)]];
}

namespace {

// Uniform in [0, 1) from 53 random bits (not std::uniform_real_distribution, whose output
// the standard leaves to the library).
double uniform(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }
double uniform(std::mt19937_64& g, double a, double b) { return a + (b - a) * uniform(g); }
int uniform_int(std::mt19937_64& g, int n) { return static_cast<int>(g() % static_cast<std::uint64_t>(n)); }  // [0, n)

// Pillow's Image.blend(a, b, alpha) per sample: a + alpha * (b - a) in float, truncated and clipped.
std::uint8_t blend(int a, int b, float alpha) {
  const float t = static_cast<float>(a) + alpha * static_cast<float>(b - a);
  return t <= 0.0f ? 0 : t >= 255.0f ? 255 : static_cast<std::uint8_t>(t);
}

// ImageEnhance.Brightness: blend with black.
void brightness(RgbImage& image, float factor) {
  for (std::uint8_t& v : image.pixels) v = blend(0, v, factor);
}

// ImageEnhance.Color: blend with the image's grey version (Pillow's L = ITU-R 601-2 luma,
// in 16-bit fixed point) replicated over RGB.
void saturation(RgbImage& image, float factor) {
  const std::size_t n = image.pixels.size() / 3;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t* p = &image.pixels[3 * i];
    const int l = (p[0] * 19595 + p[1] * 38470 + p[2] * 7471 + 0x8000) >> 16;
    for (int c = 0; c < 3; ++c) p[c] = blend(l, p[c], factor);
  }
}

}  // namespace

RgbImage train_augment(const RgbImage& image, int r, std::uint64_t seed) {
  require_pixels(image, "");
  std::mt19937_64 g(seed);
  // RandomResizedCrop.get_params: ten tries at an area fraction and a log-uniform aspect
  // ratio, then the central crop clamped to the ratio range.
  const int width = image.width, height = image.height;
  const double area = static_cast<double>(width) * height;
  const double log_lo = std::log(3.0 / 4.0), log_hi = std::log(4.0 / 3.0);
  int top = -1, left = 0, h = 0, w = 0;
  for (int attempt = 0; attempt < 10 && top < 0; ++attempt) {
    const double target = area * uniform(g, 0.08, 1.0);
    const double ratio = std::exp(uniform(g, log_lo, log_hi));
    const int cw = static_cast<int>(std::nearbyint(std::sqrt(target * ratio)));
    const int ch = static_cast<int>(std::nearbyint(std::sqrt(target / ratio)));
    if (cw > 0 && cw <= width && ch > 0 && ch <= height) {
      w = cw;
      h = ch;
      top = uniform_int(g, height - h + 1);
      left = uniform_int(g, width - w + 1);
    }
  }
  if (top < 0) {
    const double in_ratio = static_cast<double>(width) / height;
    if (in_ratio < 3.0 / 4.0) {
      w = width;
      h = static_cast<int>(std::nearbyint(w / (3.0 / 4.0)));
    } else if (in_ratio > 4.0 / 3.0) {
      h = height;
      w = static_cast<int>(std::nearbyint(h * (4.0 / 3.0)));
    } else {
      w = width;
      h = height;
    }
    top = (height - h) / 2;
    left = (width - w) / 2;
  }
  RgbImage out = resize_bilinear(crop(image, left, top, w, h), r, r);
  if (uniform(g) < 0.5) out = flip_horizontal(out);
  const float b = static_cast<float>(uniform(g, 1.0 - 32.0 / 255.0, 1.0 + 32.0 / 255.0));
  const float s = static_cast<float>(uniform(g, 0.5, 1.5));
  if (uniform(g) < 0.5) {
    brightness(out, b);
    saturation(out, s);
  } else {
    saturation(out, s);
    brightness(out, b);
  }
  return out;
}

}  // namespace ofa::runtime
