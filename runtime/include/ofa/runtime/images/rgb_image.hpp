// An 8-bit RGB image as PIL holds it after convert('RGB').
#pragma once
#include <cstdint>
#include <vector>

namespace ofa::runtime {

// An 8-bit RGB image, rows top to bottom, pixels interleaved (R, G, B): what PIL holds after
// `convert('RGB')`, and what every transform of the image pipeline takes and returns.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // height * width * 3

  RgbImage() = default;
  RgbImage(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3) {}
  std::uint8_t* row(int y) { return pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 3; }
  const std::uint8_t* row(int y) const { return pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 3; }
};

}  // namespace ofa::runtime
