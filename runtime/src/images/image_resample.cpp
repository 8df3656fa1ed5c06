#include "ofa/runtime/images/image_resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace ofa::runtime {

namespace {

// Pillow's fixed point for 8-bit images: 32 bits - 8 for the sample - 2 for the filter's sign
// and overshoot.
constexpr int kPrecisionBits = 32 - 8 - 2;

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// Per output pixel of [first, first + n) of out_size: the first input pixel used, how many,
// and their fixed-point weights (Pillow's precompute_coeffs + normalize_coeffs_8bpc, which
// compute each output pixel's alone: a window of them is the same numbers).
struct Coefficients {
  int taps = 0;
  std::vector<int> first, count;
  std::vector<int> weights;  // n * taps
};

Coefficients coefficients(int in_size, int out_size, int first, int n) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = 1.0 * filter_scale;  // the triangle's support is 1
  Coefficients c;
  c.taps = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.first.resize(static_cast<std::size_t>(n));
  c.count.resize(static_cast<std::size_t>(n));
  c.weights.assign(static_cast<std::size_t>(n) * static_cast<std::size_t>(c.taps), 0);
  std::vector<double> k(static_cast<std::size_t>(c.taps));
  const double ss = 1.0 / filter_scale;
  for (int i = 0; i < n; ++i) {
    const int xx = first + i;
    const double center = (xx + 0.5) * scale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      const double w = triangle((x + xmin - center + 0.5) * ss);
      k[static_cast<std::size_t>(x)] = w;
      ww += w;
    }
    for (int x = 0; x < xmax; ++x) {
      double w = k[static_cast<std::size_t>(x)];
      if (ww != 0.0) w /= ww;
      // Pillow rounds half away from zero here.
      c.weights[static_cast<std::size_t>(i) * static_cast<std::size_t>(c.taps) + static_cast<std::size_t>(x)] =
          static_cast<int>(w < 0 ? -0.5 + w * (1 << kPrecisionBits) : 0.5 + w * (1 << kPrecisionBits));
    }
    c.first[static_cast<std::size_t>(i)] = xmin;
    c.count[static_cast<std::size_t>(i)] = xmax;
  }
  return c;
}

std::uint8_t clip8(int v) {
  v >>= kPrecisionBits;
  return static_cast<std::uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

}  // namespace

RgbImage resize_bilinear(const RgbImage& in, int width, int height) {
  if (width < 1 || height < 1) throw std::invalid_argument("resize to an empty image");
  return resize_bilinear_region(in, width, height, 0, 0, width, height);
}

RgbImage resize_bilinear_region(const RgbImage& in, int width, int height, int left, int top, int region_width, int region_height) {
  if (width < 1 || height < 1) throw std::invalid_argument("resize to an empty image");
  if (in.width < 1 || in.height < 1) throw std::invalid_argument("resize of an empty image");
  if (left < 0 || top < 0 || region_width < 1 || region_height < 1 || region_width > width - left || region_height > height - top)
    throw std::invalid_argument("resize region outside the resized image");
  // Pillow skips the pass of a dimension that keeps its size (a copy), and resamples the
  // horizontal pass first, over only the input rows the vertical pass reads.
  const bool horizontal = width != in.width, vertical = height != in.height;
  Coefficients v;
  int y_first = top, y_last = top + region_height;
  if (vertical) {
    v = coefficients(in.height, height, top, region_height);
    y_first = v.first.front();
    y_last = v.first.back() + v.count.back();
  }
  RgbImage temp;
  if (horizontal) {
    const Coefficients h = coefficients(in.width, width, left, region_width);
    temp = RgbImage(region_width, y_last - y_first);
    for (int y = 0; y < temp.height; ++y) {
      const std::uint8_t* a = in.row(y + y_first);
      std::uint8_t* out = temp.row(y);
      for (int xx = 0; xx < region_width; ++xx) {
        const int* k = &h.weights[static_cast<std::size_t>(xx) * static_cast<std::size_t>(h.taps)];
        const int xmin = h.first[static_cast<std::size_t>(xx)], n = h.count[static_cast<std::size_t>(xx)];
        int s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
        for (int x = 0; x < n; ++x) {
          const std::uint8_t* p = a + 3 * (x + xmin);
          s0 += p[0] * k[x];
          s1 += p[1] * k[x];
          s2 += p[2] * k[x];
        }
        out[3 * xx] = clip8(s0);
        out[3 * xx + 1] = clip8(s1);
        out[3 * xx + 2] = clip8(s2);
      }
    }
  } else {
    temp = crop(in, left, y_first, region_width, y_last - y_first);
  }
  if (!vertical) return temp;  // rows [top, top + region_height) already
  RgbImage out(region_width, region_height);
  const std::size_t row_len = static_cast<std::size_t>(region_width) * 3;
  std::vector<int> acc(row_len);
  for (int yy = 0; yy < region_height; ++yy) {
    const int* k = &v.weights[static_cast<std::size_t>(yy) * static_cast<std::size_t>(v.taps)];
    const int ymin = v.first[static_cast<std::size_t>(yy)] - y_first, n = v.count[static_cast<std::size_t>(yy)];
    std::fill(acc.begin(), acc.end(), 1 << (kPrecisionBits - 1));
    for (int y = 0; y < n; ++y) {  // row by row, so the input is read in order
      const std::uint8_t* a = temp.row(y + ymin);
      const int w = k[y];
      for (std::size_t i = 0; i < row_len; ++i) acc[i] += a[i] * w;
    }
    std::uint8_t* o = out.row(yy);
    for (std::size_t i = 0; i < row_len; ++i) o[i] = clip8(acc[i]);
  }
  return out;
}

RgbImage crop(const RgbImage& in, int left, int top, int width, int height) {
  if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > in.width || top + height > in.height)
    throw std::invalid_argument("crop outside the image");
  RgbImage out(width, height);
  for (int y = 0; y < height; ++y) std::memcpy(out.row(y), in.row(y + top) + 3 * left, static_cast<std::size_t>(width) * 3);
  return out;
}

RgbImage flip_horizontal(const RgbImage& in) {
  RgbImage out(in.width, in.height);
  for (int y = 0; y < in.height; ++y) {
    const std::uint8_t* a = in.row(y);
    std::uint8_t* b = out.row(y);
    for (int x = 0; x < in.width; ++x) std::memcpy(b + 3 * (in.width - 1 - x), a + 3 * x, 3);
  }
  return out;
}

}  // namespace ofa::runtime
