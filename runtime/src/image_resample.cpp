#include "ofa/runtime/image_resample.hpp"

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

// Per output pixel: the first input pixel used, how many, and their fixed-point weights
// (Pillow's precompute_coeffs + normalize_coeffs_8bpc).
struct Coefficients {
  int taps = 0;
  std::vector<int> first, count;
  std::vector<int> weights;  // out_size * taps
};

Coefficients coefficients(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = 1.0 * filter_scale;  // the triangle's support is 1
  Coefficients c;
  c.taps = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.first.resize(static_cast<std::size_t>(out_size));
  c.count.resize(static_cast<std::size_t>(out_size));
  c.weights.assign(static_cast<std::size_t>(out_size) * static_cast<std::size_t>(c.taps), 0);
  std::vector<double> k(static_cast<std::size_t>(c.taps));
  const double ss = 1.0 / filter_scale;
  for (int xx = 0; xx < out_size; ++xx) {
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
      c.weights[static_cast<std::size_t>(xx) * static_cast<std::size_t>(c.taps) + static_cast<std::size_t>(x)] =
          static_cast<int>(w < 0 ? -0.5 + w * (1 << kPrecisionBits) : 0.5 + w * (1 << kPrecisionBits));
    }
    c.first[static_cast<std::size_t>(xx)] = xmin;
    c.count[static_cast<std::size_t>(xx)] = xmax;
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
  if (width == in.width && height == in.height) return in;
  const Coefficients h = coefficients(in.width, width);
  const Coefficients v = coefficients(in.height, height);
  // Only the rows the vertical pass reads go through the horizontal one.
  const int y_first = v.first.front();
  const int y_last = v.first.back() + v.count.back();
  RgbImage temp;
  const RgbImage* src = &in;
  int row_offset = 0;
  if (width != in.width) {
    temp = RgbImage(width, y_last - y_first);
    for (int y = 0; y < temp.height; ++y) {
      const std::uint8_t* a = in.row(y + y_first);
      std::uint8_t* out = temp.row(y);
      for (int xx = 0; xx < width; ++xx) {
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
    src = &temp;
    row_offset = y_first;
  }
  if (height == in.height) return temp;
  RgbImage out(width, height);
  const std::size_t row_len = static_cast<std::size_t>(width) * 3;
  std::vector<int> acc(row_len);
  for (int yy = 0; yy < height; ++yy) {
    const int* k = &v.weights[static_cast<std::size_t>(yy) * static_cast<std::size_t>(v.taps)];
    const int ymin = v.first[static_cast<std::size_t>(yy)] - row_offset, n = v.count[static_cast<std::size_t>(yy)];
    std::fill(acc.begin(), acc.end(), 1 << (kPrecisionBits - 1));
    for (int y = 0; y < n; ++y) {  // row by row, so the input is read in order
      const std::uint8_t* a = src->row(y + ymin);
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
