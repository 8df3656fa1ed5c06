#include "ofa/runtime/images/image_decoder.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"

// GCC warns that inlined library temporaries (std::fill's iterators) "might be clobbered" by
// the decoders' longjmp: none is used after a jump, which only destroys the decoder and throws;
// the state read after it is volatile or lives in memory created before setjmp.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wclobbered"
#endif

namespace ofa::runtime {

using common::Error;

namespace {

// Pillow refuses images above twice its MAX_IMAGE_PIXELS as decompression bombs; so do we,
// before allocating anything.
constexpr double kMaxPixels = 2.0 * 89478485;

void check_size(double w, double h, const std::string& where) {
  if (w < 1 || h < 1) throw Error(where + ": image has no pixels");
  if (w * h > kMaxPixels)
    throw Error(where + ": image of " + std::to_string(static_cast<long long>(w)) + "x" + std::to_string(static_cast<long long>(h)) +
                " pixels is too large (a decompression bomb?)");
}

// --- JPEG ------------------------------------------------------------------------------

struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

void jpeg_fail(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// Corrupt-data warnings are tolerated, as Pillow does; running out of data is not (libjpeg
// would pad the image with grey, where Pillow raises "image file is truncated").
void jpeg_message(j_common_ptr cinfo, int level) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) e->truncated = true;
  if (level < 0) cinfo->err->num_warnings++;
}

// Pillow's CMYK -> RGB (Convert.c, cmyk2rgb) on Pillow's CMYK values, which for JPEG are the
// file's samples inverted ("CMYK;I": Adobe's convention).
std::uint8_t cmyk_channel(int c, int nk) {
  const int t = c * nk + 128;
  const int v = nk - (((t >> 8) + t) >> 8);
  return static_cast<std::uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

RgbImage decode_jpeg(std::string_view bytes, const std::string& where) {
  // Everything with a destructor lives outside the setjmp region.
  RgbImage image;
  std::vector<std::uint8_t> line;
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  std::memset(&errors, 0, sizeof errors);
  cinfo.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = jpeg_fail;
  errors.mgr.emit_message = jpeg_message;
  // volatile: set between setjmp and a possible longjmp.
  volatile bool too_large = false;
  volatile double w = 0, h = 0;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw Error(where + ": not a readable JPEG (" + errors.message + ")");
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  const J_COLOR_SPACE in = cinfo.jpeg_color_space;
  const bool cmyk = in == JCS_CMYK || in == JCS_YCCK;
  cinfo.out_color_space = in == JCS_GRAYSCALE ? JCS_GRAYSCALE : cmyk ? JCS_CMYK : JCS_RGB;
  w = cinfo.image_width;
  h = cinfo.image_height;
  if (w < 1 || h < 1 || w * h > kMaxPixels) {
    too_large = true;
  } else {
    jpeg_start_decompress(&cinfo);
    image = RgbImage(static_cast<int>(cinfo.output_width), static_cast<int>(cinfo.output_height));
    line.resize(static_cast<std::size_t>(cinfo.output_width) * static_cast<std::size_t>(cinfo.output_components));
    while (cinfo.output_scanline < cinfo.output_height && !errors.truncated) {
      std::uint8_t* out = image.row(static_cast<int>(cinfo.output_scanline));
      JSAMPROW rows[1] = {line.data()};
      jpeg_read_scanlines(&cinfo, rows, 1);
      const std::size_t n = cinfo.output_width;
      if (cinfo.output_components == 1) {
        for (std::size_t x = 0; x < n; ++x) out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = line[x];
      } else if (cinfo.output_components == 3) {
        std::memcpy(out, line.data(), 3 * n);
      } else {
        for (std::size_t x = 0; x < n; ++x) {
          const std::uint8_t* p = &line[4 * x];
          const int nk = p[3];  // 255 - K, K being Pillow's (inverted) value
          for (int c = 0; c < 3; ++c) out[3 * x + c] = cmyk_channel(255 - p[c], nk);
        }
      }
    }
    if (!errors.truncated) jpeg_finish_decompress(&cinfo);
  }
  jpeg_destroy_decompress(&cinfo);
  if (too_large) check_size(w, h, where);
  if (errors.truncated) throw Error(where + ": truncated JPEG (the data ends before the image does)");
  return image;
}

// --- PNG -------------------------------------------------------------------------------

struct PngReader {
  std::string_view bytes;
  std::size_t at = 8;  // after the signature, checked by the caller
  char message[256];
};

void png_fail(png_structp png, png_const_charp msg) {
  auto* r = static_cast<PngReader*>(png_get_error_ptr(png));
  std::snprintf(r->message, sizeof r->message, "%s", msg);
  png_longjmp(png, 1);
}

void png_warn(png_structp, png_const_charp) {}

void png_read_bytes(png_structp png, png_bytep out, png_size_t n) {
  auto* r = static_cast<PngReader*>(png_get_io_ptr(png));
  if (r->bytes.size() - r->at < n) png_error(png, "truncated file: the data ends before the image does");
  std::memcpy(out, r->bytes.data() + r->at, n);
  r->at += n;
}

// libpng's rows (after its expansions) as Pillow's convert('RGB') makes them. No libpng call
// here: decode_png's setjmp does not reach into this function.
void png_rows_to_rgb(const std::vector<png_bytep>& rows, int channels, int out_depth, RgbImage& image) {
  const int bytes_per = out_depth == 16 ? 2 : 1;
  const bool grey = channels <= 2;
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t* in = rows[static_cast<std::size_t>(y)];
    std::uint8_t* out = image.row(y);
    for (int x = 0; x < image.width; ++x) {
      const std::uint8_t* p = in + static_cast<std::size_t>(x) * static_cast<std::size_t>(channels * bytes_per);
      if (grey) {
        // 16-bit grey is Pillow's I;16, which convert('RGB') clips at 255; with alpha
        // (LA;16B) Pillow keeps the high byte.
        std::uint8_t v = p[0];
        if (bytes_per == 2) v = channels == 1 ? static_cast<std::uint8_t>(p[0] ? 255 : p[1]) : p[0];
        out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = v;
      } else {
        for (int c = 0; c < 3; ++c) out[3 * x + c] = p[c * bytes_per];  // RGB;16B: the high byte
      }
    }
  }
}

RgbImage decode_png(std::string_view bytes, const std::string& where) {
  RgbImage image;
  std::vector<std::uint8_t> raw;
  std::vector<png_bytep> rows;
  PngReader reader{bytes, 8, {0}};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, png_fail, png_warn);
  if (!png) throw Error(where + ": out of memory reading the PNG");
  png_infop info = png_create_info_struct(png);
  // volatile: set between setjmp and a possible longjmp.
  volatile bool too_large = false;
  volatile double w = 0, h = 0;
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    throw Error(where + ": not a readable PNG (" + reader.message + ")");
  }
  png_set_read_fn(png, &reader, png_read_bytes);
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  w = png_get_image_width(png, info);
  h = png_get_image_height(png, info);
  const int color = png_get_color_type(png, info);
  const int depth = png_get_bit_depth(png, info);
  if (w * h > kMaxPixels) {
    too_large = true;
  } else {
    // Palette expanded to RGB and low-depth grey scaled to 8 bits (Pillow's L;1/L;2/L;4);
    // transparency (tRNS) is left out, as convert('RGB') drops it.
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const std::size_t stride = png_get_rowbytes(png, info);
    const int channels = png_get_channels(png, info);
    const int out_depth = png_get_bit_depth(png, info);
    raw.resize(stride * static_cast<std::size_t>(h));
    rows.resize(static_cast<std::size_t>(h));
    for (std::size_t y = 0; y < rows.size(); ++y) rows[y] = raw.data() + y * stride;
    png_read_image(png, rows.data());
    image = RgbImage(static_cast<int>(w), static_cast<int>(h));
    png_rows_to_rgb(rows, channels, out_depth, image);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (too_large) check_size(w, h, where);
  return image;
}

}  // namespace

RgbImage decode_image(std::string_view bytes, const std::string& where) {
  static constexpr unsigned char kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0) return decode_png(bytes, where);
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF && static_cast<unsigned char>(bytes[1]) == 0xD8 &&
      static_cast<unsigned char>(bytes[2]) == 0xFF)
    return decode_jpeg(bytes, where);
  if (bytes.empty()) throw Error(where + ": empty file, not an image");
  throw Error(where + ": not a JPEG or PNG image (unrecognised signature)");
}

RgbImage read_image(const std::filesystem::path& file) {
  const std::string bytes = common::read_file(file);
  return decode_image(bytes, file.string());
}

}  // namespace ofa::runtime
