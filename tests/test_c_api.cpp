// The C API (<ofa/runtime.h>) through the package's shared library, as an application links it:
// a bundle served, every error a return value and one line, none aborting the process.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <ofa/runtime.h>
#include <ofa/runtime.hpp>

#include "catch.hpp"

using ofa::test::contains;
namespace fs = std::filesystem;

extern "C" int ofa_c_header_check(const char* bundle);  // c_api_header_check.c: the header compiled as C

namespace {

// Exported by ctest's bundle_fixture before these tests run.
fs::path fixture_bundle() { return OFA_TEST_BUNDLE; }

fs::path data_dir() {
  const char* d = std::getenv("OFA_DATA_DIR");
  return d ? fs::path(d) : fs::path(OFA_SOURCE_DIR) / "../shared/data";
}

struct Handle {
  ofa_runtime* rt;
  explicit Handle(const fs::path& dir) : rt(ofa_runtime_open(dir.c_str(), "cpu")) {}
  ~Handle() { ofa_runtime_close(rt); }
};

std::vector<float> random_input(std::int64_t n, std::int64_t h, std::int64_t w) {
  std::mt19937 gen(7);
  std::normal_distribution<float> d;
  std::vector<float> x(static_cast<std::size_t>(n * 3 * h * w));
  for (float& v : x) v = d(gen);
  return x;
}

// A copy of the fixture bundle to damage.
fs::path copy_bundle(const std::string& name) {
  const fs::path to = fs::temp_directory_path() / ("ofa-c-api-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(to);
  fs::copy(fixture_bundle(), to, fs::copy_options::recursive);
  return to;
}

std::string error() { return ofa_runtime_last_error(); }

}  // namespace

TEST_CASE("the C API serves a bundle: levels, resolution, logits and the frame record", "[c-api]") {
  Handle h(fixture_bundle());
  REQUIRE(h.rt != nullptr);
  CHECK(error().empty());
  CHECK(ofa_runtime_levels(h.rt) == 3);
  CHECK(ofa_runtime_classes(h.rt) == 1000);
  CHECK(ofa_runtime_level(h.rt) == 2);  // the default target holds the most accurate level
  CHECK(ofa_runtime_resolution(h.rt) == 224);
  CHECK(ofa_runtime_level_latency_ms(h.rt, 1) == 4.0);
  CHECK(ofa_runtime_level_accuracy(h.rt, 0) == Approx(0.70));
  ofa_runtime_frame f{};
  CHECK(ofa_runtime_last_frame(h.rt, &f) == -1);
  CHECK_THAT(error(), contains("no frame"));
  const std::vector<float> x = random_input(2, 224, 224);
  std::vector<float> logits(2000);
  REQUIRE(ofa_runtime_infer(h.rt, x.data(), 2, 224, 224, logits.data(), 2000) == 0);
  REQUIRE(ofa_runtime_last_frame(h.rt, &f) == 0);
  CHECK(f.frame == 0);
  CHECK(f.level == 2);
  CHECK(f.latency_ms > 0);
  for (float v : logits) REQUIRE(std::isfinite(v));
  CHECK(std::string(ofa_runtime_version()) == OFA_RUNTIME_VERSION_STRING);
  CHECK(ofa_c_header_check(fixture_bundle().c_str()) == 3);
}

TEST_CASE("the C API's logits are the C++ API's for every pinned level", "[c-api]") {
  Handle h(fixture_bundle());
  REQUIRE(h.rt != nullptr);
  ofa::runtime::AdaptiveOptions o;
  o.warmup = 0;
  auto net = ofa::runtime::AdaptiveNetwork::load_bundle(fixture_bundle(), o);
  const std::vector<float> x = random_input(1, 200, 180);  // resized to each level's resolution
  for (int level = 0; level < 3; ++level) {
    INFO("level " << level);
    REQUIRE(ofa_runtime_pin_level(h.rt, level) == 0);
    CHECK(ofa_runtime_level(h.rt) == level);
    std::vector<float> c(1000);
    REQUIRE(ofa_runtime_infer(h.rt, x.data(), 1, 200, 180, c.data(), 1000) == 0);
    net.pin_level(level);
    const torch::Tensor cpp = net.infer(torch::from_blob(const_cast<float*>(x.data()), {1, 3, 200, 180}).clone()).contiguous();
    CHECK(torch::equal(cpp, torch::from_blob(c.data(), {1, 1000})));
  }
  CHECK(ofa_runtime_pin_level(h.rt, -1) == 0);
  CHECK(ofa_runtime_level(h.rt) == 2);
  // A wrong channel count is an error naming the shape (the C API's input is 3 channels by its signature).
  CHECK_THROWS_WITH(net.infer(torch::zeros({1, 4, 200, 180})), contains("[1, 4, 200, 180]") && contains("[N, 3, H, W]"));
}

TEST_CASE("every C API error is a return value and one line naming what is wrong", "[c-api][errors]") {
  CHECK(ofa_runtime_open(nullptr, nullptr) == nullptr);
  CHECK_THAT(error(), contains("bundle_dir is NULL"));
  CHECK(ofa_runtime_open("/nonexistent/bundle", "cpu") == nullptr);
  CHECK_THAT(error(), contains("/nonexistent/bundle") && contains("not a folder"));
  CHECK(ofa_runtime_open(fixture_bundle().c_str(), "tpu") == nullptr);
  CHECK_THAT(error(), contains("tpu"));
  CHECK(ofa_runtime_levels(nullptr) == -1);
  CHECK_THAT(error(), contains("NULL"));
  Handle h(fixture_bundle());
  REQUIRE(h.rt != nullptr);
  const std::vector<float> x = random_input(1, 224, 224);
  std::vector<float> logits(1000);
  CHECK(ofa_runtime_infer(h.rt, x.data(), 1, 224, 224, logits.data(), 999) == -1);
  CHECK_THAT(error(), contains("need 1000 floats") && contains("999"));
  CHECK(ofa_runtime_infer(h.rt, nullptr, 1, 224, 224, logits.data(), 1000) == -1);
  CHECK_THAT(error(), contains("NULL"));
  CHECK(ofa_runtime_infer(h.rt, x.data(), 0, 224, 224, logits.data(), 1000) == -1);
  CHECK_THAT(error(), contains("not a batch of images"));
  CHECK(ofa_runtime_pin_level(h.rt, 3) == -1);
  CHECK_THAT(error(), contains("level 3 is not in [0, 2]"));
  CHECK(ofa_runtime_set_latency_target(h.rt, std::nan("")) == -1);
  CHECK(ofa_runtime_set_latency_target(h.rt, 0) == -1);
  CHECK(ofa_runtime_set_min_accuracy(h.rt, 2) == -1);
  CHECK(ofa_runtime_level_latency_ms(h.rt, -5) < 0);
  CHECK(ofa_runtime_load_image("/nonexistent.jpg", 224, logits.data(), 1000) == -1);
  CHECK_THAT(error(), contains("needs 150528 floats"));
  std::vector<float> image(3 * 224 * 224);
  CHECK(ofa_runtime_load_image("/nonexistent.jpg", 224, image.data(), static_cast<std::int64_t>(image.size())) == -1);
  CHECK_THAT(error(), contains("/nonexistent.jpg"));
  // The handle still works after its errors.
  CHECK(ofa_runtime_infer(h.rt, x.data(), 1, 224, 224, logits.data(), 1000) == 0);
  CHECK(error().empty());
  // Errors are the thread's own.
  CHECK(ofa_runtime_pin_level(h.rt, 9) == -1);
  std::string other = "unset";
  std::thread([&] { other = ofa_runtime_last_error(); }).join();
  CHECK(other.empty());
  CHECK_FALSE(error().empty());
  ofa_runtime_close(nullptr);
}

TEST_CASE("the C API refuses a damaged bundle naming the file: truncated, swapped", "[c-api][errors]") {
  const fs::path truncated = copy_bundle("truncated");
  fs::resize_file(truncated / "level_1.pt", fs::file_size(truncated / "level_1.pt") / 2);
  CHECK(ofa_runtime_open(truncated.c_str(), "cpu") == nullptr);
  CHECK_THAT(error(), contains("level 1 (level_1.pt)"));
  CHECK(error().find('\n') == std::string::npos);
  const fs::path swapped = copy_bundle("swapped");
  fs::rename(swapped / "level_0.pt", swapped / "tmp.pt");
  fs::rename(swapped / "level_2.pt", swapped / "level_0.pt");
  fs::rename(swapped / "tmp.pt", swapped / "level_2.pt");
  CHECK(ofa_runtime_open(swapped.c_str(), "cpu") == nullptr);
  CHECK_THAT(error(), contains("level 0 (level_0.pt)"));
  fs::remove(swapped / "export.yaml");
  CHECK(ofa_runtime_open(swapped.c_str(), "cpu") == nullptr);
  CHECK_THAT(error(), contains("no export.yaml"));
  fs::remove_all(truncated);
  fs::remove_all(swapped);
}

TEST_CASE("ofa_runtime_load_image prepares a shared image as OFA evaluates it", "[c-api][images]") {
  const fs::path image = data_dir() / "images";
  fs::path first;
  for (const auto& e : fs::recursive_directory_iterator(image))
    if (e.is_regular_file() && (e.path().extension() == ".JPEG" || e.path().extension() == ".jpg" || e.path().extension() == ".png")) {
      first = e.path();
      break;
    }
  REQUIRE_FALSE(first.empty());
  std::vector<float> x(3 * 160 * 160);
  REQUIRE(ofa_runtime_load_image(first.c_str(), 160, x.data(), static_cast<std::int64_t>(x.size())) == 0);
  // The same as the C++ pipeline.
  std::vector<float> y(x.size());
  ofa::runtime::normalize_to_chw(ofa::runtime::eval_crop(ofa::runtime::read_image(first), 160, first.string()), y.data());
  CHECK(x == y);
}
