// JPEG and PNG decoding as Pillow does it (libjpeg-turbo, libpng), told apart by signature.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "ofa/runtime/images/rgb_image.hpp"

namespace ofa::runtime {

// Decodes a JPEG or PNG (told apart by their signatures, not the file name: ImageNet holds a
// PNG named .JPEG) into RGB as PIL's `Image.open(f).convert('RGB')` makes it:
// - JPEG with libjpeg-turbo's defaults (islow DCT, fancy upsampling), as Pillow decodes;
//   grayscale replicated; CMYK/YCCK read with Adobe's inverted convention and converted with
//   Pillow's formula; a truncated file is an error (Pillow: "image file is truncated");
// - PNG with libpng: palette expanded, alpha dropped (not composited), grey replicated,
//   16-bit samples reduced to their high byte (16-bit grey clipped at 255, as Pillow's I;16).
// Anything else (a text file, a truncated or corrupt image, another format) is an Error
// naming `where`.
RgbImage decode_image(std::string_view bytes, const std::string& where);
RgbImage read_image(const std::filesystem::path& file);

}  // namespace ofa::runtime
