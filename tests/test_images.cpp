// The image pipeline without LibTorch: decoding as Pillow's convert('RGB'), Pillow's
// antialiased bilinear resize, torchvision's crops, the augmentation and ImageFolder.
// Real images against torchvision's output are checked in test_image_commands.cpp.
#include <array>
#include <cmath>
#include <zlib.h>

#include "image_writer.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/runtime/images/image_decoder.hpp"
#include "ofa/runtime/images/image_folder.hpp"
#include "ofa/runtime/images/image_resample.hpp"
#include "ofa/runtime/images/image_transforms.hpp"
#include "test_support.hpp"
#include "catch.hpp"

using namespace ofa::runtime;
using ofa::common::Error;
using ofa::test::encode_jpeg;
using ofa::test::encode_png;
using ofa::test::TempDir;

namespace {

std::vector<std::uint8_t> pixel(const RgbImage& im, int x, int y) {
  const std::uint8_t* p = im.row(y) + 3 * x;
  return {p[0], p[1], p[2]};
}

RgbImage gradient(int w, int h) {
  RgbImage im(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = im.row(y) + 3 * x;
      p[0] = static_cast<std::uint8_t>(x * 7 + y * 3);
      p[1] = static_cast<std::uint8_t>(x * x + y);
      p[2] = static_cast<std::uint8_t>(255 - x - 2 * y);
    }
  return im;
}

// A PNG's chunk rewritten with a valid CRC (for headers that lie about the image).
std::string with_ihdr(std::string png, std::uint32_t width, std::uint32_t height) {
  auto put = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) png[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  };
  put(16, width);
  put(20, height);
  const std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(png.data() + 12), 17));
  put(29, crc);
  return png;
}

}  // namespace

TEST_CASE("JPEG decodes as Pillow: grey replicated, RGB, CMYK in Adobe's inverted convention", "[images]") {
  std::vector<std::uint8_t> grey(16 * 8);
  for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = static_cast<std::uint8_t>(i * 2);
  const RgbImage g = decode_image(encode_jpeg(16, 8, 1, grey), "grey.jpg");
  REQUIRE(g.width == 16);
  REQUIRE(g.height == 8);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 16; ++x) {
      const auto p = pixel(g, x, y);
      CHECK(p[0] == p[1]);
      CHECK(p[1] == p[2]);
      CHECK(std::abs(int(p[0]) - int(grey[static_cast<std::size_t>(y * 16 + x)])) <= 2);
    }
  std::vector<std::uint8_t> rgb;
  for (int i = 0; i < 16 * 16; ++i) rgb.insert(rgb.end(), {10, 200, 90});
  const RgbImage c = decode_image(encode_jpeg(16, 16, 3, rgb), "rgb.jpg");
  const auto p = pixel(c, 5, 7);
  CHECK(std::abs(p[0] - 10) <= 2);
  CHECK(std::abs(p[1] - 200) <= 2);
  CHECK(std::abs(p[2] - 90) <= 2);
  // Adobe CMYK stores 255 for no ink: samples (255, 128, 255, 255) are C=0, M=127, Y=0, K=0
  // to Pillow, and its cmyk2rgb makes (255, 128, 255); all zero samples are full ink, black.
  std::vector<std::uint8_t> cmyk, black;
  for (int i = 0; i < 16 * 16; ++i) {
    cmyk.insert(cmyk.end(), {255, 128, 255, 255});
    black.insert(black.end(), {0, 0, 0, 0});
  }
  const auto m = pixel(decode_image(encode_jpeg(16, 16, 4, cmyk), "cmyk.jpg"), 3, 3);
  CHECK(std::abs(m[0] - 255) <= 2);
  CHECK(std::abs(m[1] - 128) <= 2);
  CHECK(std::abs(m[2] - 255) <= 2);
  const auto k = pixel(decode_image(encode_jpeg(16, 16, 4, black), "black.jpg"), 3, 3);
  CHECK(k[0] <= 2);
  CHECK(k[1] <= 2);
  CHECK(k[2] <= 2);
}

TEST_CASE("PNG of every colour type and depth becomes RGB as Pillow's convert('RGB')", "[images]") {
  using Rows = std::vector<std::vector<std::uint8_t>>;
  // RGB 8: exact.
  const RgbImage rgb = decode_image(encode_png(2, 1, PNG_COLOR_TYPE_RGB, 8, Rows{{1, 2, 3, 250, 251, 252}}), "rgb.png");
  CHECK(pixel(rgb, 0, 0) == std::vector<std::uint8_t>{1, 2, 3});
  CHECK(pixel(rgb, 1, 0) == std::vector<std::uint8_t>{250, 251, 252});
  // RGBA: alpha dropped, not composited onto anything.
  CHECK(pixel(decode_image(encode_png(1, 1, PNG_COLOR_TYPE_RGBA, 8, Rows{{10, 20, 30, 0}}), "a.png"), 0, 0) ==
        std::vector<std::uint8_t>{10, 20, 30});
  // Grey at 1, 2 and 4 bits scaled to 8 (0/255, x85, x17), replicated.
  CHECK(pixel(decode_image(encode_png(8, 1, PNG_COLOR_TYPE_GRAY, 1, Rows{{0x40}}), "g1.png"), 1, 0) == std::vector<std::uint8_t>{255, 255, 255});
  CHECK(pixel(decode_image(encode_png(4, 1, PNG_COLOR_TYPE_GRAY, 2, Rows{{0x1B}}), "g2.png"), 1, 0) == std::vector<std::uint8_t>{85, 85, 85});
  CHECK(pixel(decode_image(encode_png(2, 1, PNG_COLOR_TYPE_GRAY, 4, Rows{{0x3F}}), "g4.png"), 0, 0) == std::vector<std::uint8_t>{51, 51, 51});
  // 16-bit grey is Pillow's I;16: values above 255 clip.
  const RgbImage g16 = decode_image(encode_png(3, 1, PNG_COLOR_TYPE_GRAY, 16, Rows{{0x00, 0x12, 0x01, 0x00, 0xFF, 0xFF}}), "g16.png");
  CHECK(pixel(g16, 0, 0) == std::vector<std::uint8_t>{18, 18, 18});
  CHECK(pixel(g16, 1, 0) == std::vector<std::uint8_t>{255, 255, 255});
  CHECK(pixel(g16, 2, 0) == std::vector<std::uint8_t>{255, 255, 255});
  // 16-bit colour and grey with alpha: the high byte.
  CHECK(pixel(decode_image(encode_png(1, 1, PNG_COLOR_TYPE_RGB, 16, Rows{{0x12, 0xFF, 0x34, 0x00, 0x56, 0x80}}), "c16.png"), 0, 0) ==
        std::vector<std::uint8_t>{0x12, 0x34, 0x56});
  CHECK(pixel(decode_image(encode_png(1, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 16, Rows{{0x7A, 0xFF, 0x00, 0x00}}), "ga16.png"), 0, 0) ==
        std::vector<std::uint8_t>{0x7A, 0x7A, 0x7A});
  // A 2-bit palette.
  const RgbImage pal = decode_image(encode_png(4, 1, PNG_COLOR_TYPE_PALETTE, 2, Rows{{0x1B}}, {0, 0, 0, 9, 8, 7, 100, 110, 120, 255, 0, 1}), "p.png");
  CHECK(pixel(pal, 1, 0) == std::vector<std::uint8_t>{9, 8, 7});
  CHECK(pixel(pal, 3, 0) == std::vector<std::uint8_t>{255, 0, 1});
  // Interlacing changes nothing.
  Rows rows;
  for (int y = 0; y < 9; ++y) {
    std::vector<std::uint8_t> r;
    for (int x = 0; x < 11; ++x) r.insert(r.end(), {static_cast<std::uint8_t>(x * 20), static_cast<std::uint8_t>(y * 25), 7});
    rows.push_back(r);
  }
  CHECK(decode_image(encode_png(11, 9, PNG_COLOR_TYPE_RGB, 8, rows, {}, true), "i.png").pixels ==
        decode_image(encode_png(11, 9, PNG_COLOR_TYPE_RGB, 8, rows), "n.png").pixels);
  // The signature decides, not the name: ImageNet has a PNG named .JPEG.
  TempDir dir("png-named-jpeg");
  ofa::common::write_file_atomic(dir / "x.JPEG", encode_png(2, 1, PNG_COLOR_TYPE_RGB, 8, Rows{{1, 2, 3, 4, 5, 6}}));
  CHECK(read_image(dir / "x.JPEG").pixels == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("unreadable images are one error naming the file", "[images][errors]") {
  std::vector<std::uint8_t> rgb;
  for (int i = 0; i < 32 * 32; ++i) rgb.insert(rgb.end(), {static_cast<std::uint8_t>(i), 50, 90});
  const std::string jpeg = encode_jpeg(32, 32, 3, rgb, 90);
  const std::string png = encode_png(2, 1, PNG_COLOR_TYPE_RGB, 8, {{1, 2, 3, 4, 5, 6}});
  auto fails = [](const std::string& bytes, const std::string& what) {
    INFO(what);
    try {
      decode_image(bytes, "dir/bad.JPEG");
      FAIL("decoded");
    } catch (const Error& e) {
      const std::string m = e.what();
      CHECK(m.rfind("dir/bad.JPEG: ", 0) == 0);
      CHECK(m.find(what) != std::string::npos);
      CHECK(m.find('\n') == std::string::npos);
    }
  };
  fails("", "empty file");
  fails("n01440764 tench\n", "not a JPEG or PNG");
  fails(jpeg.substr(0, jpeg.size() - 20), "truncated JPEG");
  fails(jpeg.substr(0, jpeg.size() / 2), "JPEG");
  fails(jpeg.substr(0, 200), "JPEG");
  fails(jpeg.substr(0, 3), "JPEG");
  fails(png.substr(0, png.size() - 20), "PNG");
  fails(png.substr(0, 30), "PNG");
  std::string bad_crc = png;
  bad_crc[20] ^= 1;  // IHDR's height, CRC left as it was
  fails(bad_crc, "PNG");
  fails(with_ihdr(png, 100000, 100000), "too large");
  // Every prefix that cuts the image data fails cleanly (a PNG missing only its 12-byte IEND
  // chunk decodes, as Pillow reads it).
  for (std::size_t n = 0; n + 12 < png.size(); ++n) CHECK_THROWS_AS(decode_image(png.substr(0, n), "p"), Error);
  for (std::size_t n = 0; n + 2 < jpeg.size(); n += 7) CHECK_THROWS_AS(decode_image(jpeg.substr(0, n), "j"), Error);
}

TEST_CASE("resize is Pillow's antialiased bilinear in fixed point", "[images]") {
  // Worked by hand from Pillow's Resample.c: 4 -> 2 uses taps of weight 3/7, 3/7, 1/7 (support
  // 2); 2 -> 4 interpolates (support 1) with the edges clamped.
  RgbImage row(4, 1), col(1, 4);
  const std::uint8_t v[4] = {0, 100, 200, 250};
  for (int i = 0; i < 4; ++i) {
    std::fill_n(row.row(0) + 3 * i, 3, v[i]);
    std::fill_n(col.row(i), 3, v[i]);
  }
  const RgbImage h = resize_bilinear(row, 2, 1), w = resize_bilinear(col, 1, 2);
  CHECK(pixel(h, 0, 0) == std::vector<std::uint8_t>{71, 71, 71});
  CHECK(pixel(h, 1, 0) == std::vector<std::uint8_t>{207, 207, 207});
  CHECK(w.pixels == h.pixels);
  RgbImage two(2, 1);
  std::fill_n(two.row(0) + 3, 3, std::uint8_t{200});
  const RgbImage up = resize_bilinear(two, 4, 1);
  CHECK(pixel(up, 0, 0)[0] == 0);
  CHECK(pixel(up, 1, 0)[0] == 50);
  CHECK(pixel(up, 2, 0)[0] == 150);
  CHECK(pixel(up, 3, 0)[0] == 200);
  // A constant stays constant at any size; the same size is the identity.
  RgbImage flat(37, 23);
  std::fill(flat.pixels.begin(), flat.pixels.end(), std::uint8_t{173});
  for (auto [a, b] : {std::pair{11, 5}, {100, 61}, {37, 7}, {3, 23}}) {
    const RgbImage r = resize_bilinear(flat, a, b);
    CHECK(r.width == a);
    CHECK(r.height == b);
    CHECK(std::all_of(r.pixels.begin(), r.pixels.end(), [](std::uint8_t x) { return x == 173; }));
  }
  const RgbImage g = gradient(13, 9);
  CHECK(resize_bilinear(g, 13, 9).pixels == g.pixels);
  // A region of a resize is those bytes of the whole one, whichever passes run.
  for (auto [a, b] : {std::pair{13, 9}, {40, 9}, {13, 30}, {5, 4}, {29, 31}}) {
    const RgbImage whole = resize_bilinear(g, a, b);
    for (auto [x, y, w, h] : {std::array{0, 0, a, b}, {1, 2, a - 1, b - 2}, {a / 2, b / 3, a - a / 2, 1}, {a - 1, 0, 1, b}})
      CHECK(resize_bilinear_region(g, a, b, x, y, w, h).pixels == crop(whole, x, y, w, h).pixels);
  }
  CHECK_THROWS_AS(resize_bilinear_region(g, 20, 20, 10, 0, 11, 5), std::invalid_argument);
}

TEST_CASE("torchvision's Resize, CenterCrop and Normalize, and the eval transform on small images", "[images]") {
  CHECK(eval_resize_size(160) == 183);
  CHECK(eval_resize_size(224) == 256);
  const RgbImage wide = resize_shorter_side(gradient(500, 375), 256);
  CHECK(wide.width == 341);  // int(256 * 500 / 375)
  CHECK(wide.height == 256);
  const RgbImage tall = resize_shorter_side(gradient(333, 500), 183);
  CHECK(tall.width == 183);
  CHECK(tall.height == 274);  // int(183 * 500 / 333) = int(274.77)
  // Offsets round((W - size) / 2) with halves to even: 2.5 -> 2, 1.5 -> 2, 3.5 -> 4.
  for (auto [width, offset] : {std::pair{7, 2}, {5, 2}, {9, 4}, {8, 3}}) {
    RgbImage im(width, 2);
    for (int x = 0; x < width; ++x) std::fill_n(im.row(0) + 3 * x, 3, static_cast<std::uint8_t>(x));
    CHECK(pixel(center_crop(im, 2), 0, 0)[0] == offset);
  }
  const RgbImage crop = eval_crop(gradient(240, 200), 160, "a.JPEG");
  CHECK(crop.width == 160);
  CHECK(crop.height == 160);
  // An image smaller than the crop is upscaled as torchvision does, not refused (it was, once:
  // "smaller than the 160 px crop"); only an image without pixels is an error.
  const RgbImage small = eval_crop(gradient(300, 150), 160, "dir/small.JPEG");
  CHECK(small.width == 160);
  CHECK(small.height == 160);
  CHECK(small.pixels == center_crop(resize_shorter_side(gradient(300, 150), 183), 160).pixels);
  CHECK(eval_crop(gradient(1, 1), 160, "dot.png").width == 160);
  CHECK_THROWS_WITH(eval_crop(RgbImage(0, 0), 160, "dir/empty.JPEG"), "dir/empty.JPEG: image of 0x0 pixels is empty");
  CHECK_THROWS_AS(eval_crop(RgbImage(5, 0), 160, "e"), Error);
  CHECK_THROWS_AS(train_augment(RgbImage(0, 3), 16, 1), Error);
  // Only the crop is resampled: the same bytes as the whole resize then the crop, and a very
  // thin image is cheap (1x700000 upscales to 256x179200000); a side past 2^31 - 1 is refused.
  for (auto [w, h, r] : {std::array{2, 3001, 32}, {3001, 2, 32}, {97, 61, 224}, {61, 97, 160}, {640, 480, 224}}) {
    INFO(w << "x" << h << " at " << r);
    CHECK(eval_crop(gradient(w, h), r, "x").pixels == center_crop(resize_shorter_side(gradient(w, h), eval_resize_size(r)), r).pixels);
  }
  CHECK(eval_crop(RgbImage(1, 700000), 224, "thin.png").width == 224);
  CHECK_THROWS_WITH(eval_crop(RgbImage(1, 1000000), 2000, "thin.png"),
                    ofa::test::contains("thin.png: image of 1x1000000 pixels would be resized to 2286000000 px by 2286"));
  RgbImage two(2, 1);
  two.pixels = {0, 255, 128, 255, 0, 64};
  std::vector<float> out(6);
  normalize_to_chw(two, out.data());
  CHECK(out[0] == Approx((0.0 - 0.485) / 0.229).epsilon(1e-6));  // R of pixel 0
  CHECK(out[1] == Approx((1.0 - 0.485) / 0.229).epsilon(1e-6));  // R of pixel 1
  CHECK(out[2] == Approx((1.0 - 0.456) / 0.224).epsilon(1e-6));  // G of pixel 0
  CHECK(out[5] == Approx((64 / 255.0 - 0.406) / 0.225).epsilon(1e-6));
}

TEST_CASE("small images through the eval crop and the bilinear resize are Pillow's bytes (tests/data/upscale)", "[images]") {
  // Made by scripts/make-upscale-fixture.py with Pillow itself: src_WxH.png and, for each,
  // torchvision's eval crop at r (crop_WxH_rR.png) or a plain Image.resize (resize_*.png).
  const std::filesystem::path dir = ofa::test::source_dir() / "tests/data/upscale";
  struct EvalCase {
    int width, height, r;
  };
  for (const EvalCase c : {EvalCase{200, 150, 208}, {150, 116, 224}, {116, 150, 224}, {7, 5, 32}, {3, 1, 16}, {48, 36, 32}}) {
    const std::string name = std::to_string(c.width) + "x" + std::to_string(c.height);
    INFO(name << " at r = " << c.r);
    const RgbImage src = read_image(dir / ("src_" + name + ".png"));
    REQUIRE(src.width == c.width);
    REQUIRE(src.height == c.height);
    const RgbImage expected = read_image(dir / ("crop_" + name + "_r" + std::to_string(c.r) + ".png"));
    const RgbImage got = eval_crop(src, c.r, name);
    REQUIRE(got.width == c.r);
    REQUIRE(got.height == c.r);
    REQUIRE(expected.width == c.r);
    CHECK(got.pixels == expected.pixels);
  }
  // The passes eval_crop never skips alone (one dimension unchanged), and up in one
  // dimension while down in the other: RandomResizedCrop's resize to r x r reaches them.
  for (auto [w, h, nw, nh] : {std::array{9, 6, 9, 17}, {6, 9, 19, 9}, {23, 5, 7, 13}, {5, 23, 13, 7}}) {
    const std::string from = std::to_string(w) + "x" + std::to_string(h), to = std::to_string(nw) + "x" + std::to_string(nh);
    INFO(from << " to " << to);
    const RgbImage expected = read_image(dir / ("resize_" + from + "_to_" + to + ".png"));
    const RgbImage got = resize_bilinear(read_image(dir / ("src_" + from + ".png")), nw, nh);
    REQUIRE(got.width == nw);
    REQUIRE(got.height == nh);
    CHECK(got.pixels == expected.pixels);
  }
  // Undecodable input stays an error, and a zero-width PNG is undecodable.
  CHECK_THROWS_AS(read_image(dir / "README.md"), Error);
  CHECK_THROWS_AS(decode_image(with_ihdr(encode_png(2, 1, PNG_COLOR_TYPE_RGB, 8, {{1, 2, 3, 4, 5, 6}}), 0, 1), "zero.png"), Error);
}

TEST_CASE("the calibration augmentation is seeded, r x r, and varies with the seed", "[images]") {
  const RgbImage g = gradient(97, 61);
  const RgbImage a = train_augment(g, 32, 7), b = train_augment(g, 32, 7), c = train_augment(g, 32, 8);
  CHECK(a.width == 32);
  CHECK(a.height == 32);
  CHECK(a.pixels == b.pixels);
  CHECK(a.pixels != c.pixels);
  // Tiny and extreme images too (the central-crop fallback).
  CHECK(train_augment(gradient(1, 1), 16, 1).width == 16);
  CHECK(train_augment(gradient(300, 2), 16, 1).height == 16);
}

TEST_CASE("ImageFolder: labels from the class list, torchvision's order, and one-line errors", "[images][errors]") {
  TempDir dir("folder");
  ofa::common::write_file_atomic(dir / "classes.txt", "zeta\tZ\nalpha\tA\nmid\n");
  const std::string png = encode_png(1, 1, PNG_COLOR_TYPE_RGB, 8, {{1, 2, 3}});
  for (const char* f : {"alpha/b.png", "alpha/a.JPEG", "alpha/sub/0.jpg", "zeta/x.PNG", "zeta/notes.txt"})
    ofa::common::write_file_atomic(dir / "images" / f, png);
  const auto list = list_image_folder(dir / "images", dir / "classes.txt");
  REQUIRE(list.size() == 4);
  CHECK(list[0].file == dir / "images/alpha/a.JPEG");
  CHECK(list[1].file == dir / "images/alpha/b.png");
  CHECK(list[2].file == dir / "images/alpha/sub/0.jpg");
  CHECK(list[3].file == dir / "images/zeta/x.PNG");
  CHECK(list[0].label == 1);  // alpha is line 1 of the list, though the first folder
  CHECK(list[3].label == 0);

  auto fails = [&](const std::filesystem::path& images, const std::filesystem::path& classes, const std::string& what) {
    try {
      list_image_folder(images, classes);
      FAIL("listed");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find(what) != std::string::npos);
    }
  };
  fails(dir / "images", dir / "none.txt", "none.txt: class list not found");
  fails(dir / "nowhere", dir / "classes.txt", "nowhere: not a folder of images");
  std::filesystem::create_directories(dir / "images/mid");
  fails(dir / "images", dir / "classes.txt", "images/mid: class folder holds no image");
  std::filesystem::remove(dir / "images/mid");
  ofa::common::write_file_atomic(dir / "images/beta/x.png", png);
  fails(dir / "images", dir / "classes.txt", "folder 'beta' is not a class of");
  std::filesystem::remove_all(dir / "images/beta");
  ofa::common::write_file_atomic(dir / "images/zeta/y.bmp", png);
  fails(dir / "images", dir / "classes.txt", "y.bmp: .bmp images are not supported");
  ofa::common::write_file_atomic(dir / "dup.txt", "a\nb\na\n");
  fails(dir / "images", dir / "dup.txt", "dup.txt:3: class 'a' repeats line 1");
  std::filesystem::create_directories(dir / "empty");
  fails(dir / "empty", dir / "classes.txt", "holds no class folder");
}
