// Pillow's bilinear resize bit for bit (fixed point, horizontal pass first), crops and flips.
#pragma once
#include "ofa/runtime/images/rgb_image.hpp"

namespace ofa::runtime {

// Pillow's `Image.resize((width, height), Image.BILINEAR)`: a separable triangle filter whose
// support grows with the reduction factor (antialiased), in 8-bit fixed point, horizontal
// pass first, each pass rounded to 8 bits (Pillow's Resample.c, reproduced bit for bit).
RgbImage resize_bilinear(const RgbImage& image, int width, int height);

// The `region_width` x `region_height` region at (left, top) of resize_bilinear(image, width,
// height), the same bytes, computed without the rest: a crop of an upscale costs the crop's
// size, whatever the upscale's.
RgbImage resize_bilinear_region(const RgbImage& image, int width, int height, int left, int top, int region_width,
                                int region_height);

// The `width` x `height` region whose top-left corner is (left, top); it must lie inside.
RgbImage crop(const RgbImage& image, int left, int top, int width, int height);

// Left-right mirror image.
RgbImage flip_horizontal(const RgbImage& image);

}  // namespace ofa::runtime
