#pragma once
#include "ofa/runtime/rgb_image.hpp"

namespace ofa::runtime {

// Pillow's `Image.resize((width, height), Image.BILINEAR)`: a separable triangle filter whose
// support grows with the reduction factor (antialiased), in 8-bit fixed point, horizontal
// pass first, each pass rounded to 8 bits (Pillow's Resample.c, reproduced bit for bit).
RgbImage resize_bilinear(const RgbImage& image, int width, int height);

// The `width` x `height` region whose top-left corner is (left, top); it must lie inside.
RgbImage crop(const RgbImage& image, int left, int top, int width, int height);

// Left-right mirror image.
RgbImage flip_horizontal(const RgbImage& image);

}  // namespace ofa::runtime
