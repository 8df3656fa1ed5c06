// The C API (<ofa/runtime.h>): a handle over AdaptiveNetwork; every exception caught at the
// border and kept as the thread's last error, so none reaches a C host.
#include "ofa/runtime.h"

#include <cmath>
#include <cstring>
#include <optional>
#include <string>

#include "ofa/common/error.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/measure/device_options.hpp"

#include "ofa/runtime/adaptive/adaptive_network.hpp"
#include "ofa/runtime/adaptive/bundle.hpp"
#include "ofa/runtime/images/image_decoder.hpp"
#include "ofa/runtime/images/image_transforms.hpp"

struct ofa_runtime {
  ofa::runtime::AdaptiveNetwork net;
  int classes = 0;
  bool served = false;  // a frame has been served (last_frame is one)
};

namespace {

thread_local std::string last_error;

// Runs `body`; on any exception records its first line and returns `failed`.
template <class T, class F>
T guarded(T failed, F&& body) noexcept {
  try {
    last_error.clear();
    return body();
  } catch (const c10::Error& e) {
    last_error = ofa::common::first_line(e.what_without_backtrace());
  } catch (const std::exception& e) {
    last_error = ofa::common::first_line(e.what());
  } catch (...) {
    last_error = "an unknown error";
  }
  return failed;
}

void require(bool ok, const char* what) {
  if (!ok) throw ofa::common::Error(what);
}

int level_index(const ofa_runtime* rt, int level) {
  require(rt != nullptr, "the handle is NULL");
  if (level < 0 || static_cast<std::size_t>(level) >= rt->net.levels())
    throw ofa::common::Error("level " + std::to_string(level) + " is not in [0, " + std::to_string(rt->net.levels() - 1) + "]");
  return level;
}

}  // namespace

extern "C" {

ofa_runtime* ofa_runtime_open(const char* bundle_dir, const char* device) {
  return guarded<ofa_runtime*>(nullptr, [&] {
    require(bundle_dir != nullptr, "ofa_runtime_open: bundle_dir is NULL");
    const ofa::runtime::Bundle bundle = ofa::runtime::read_bundle(bundle_dir);
    // Served as measured: with the threads (and on CUDA the TF32 setting) the latencies were
    // measured with. Both are LibTorch's process-wide settings (runtime.h says so).
    if (bundle.manifest.setup.threads > 0) torch::set_num_threads(bundle.manifest.setup.threads);
    ofa::runtime::apply_tf32(bundle.manifest.setup.allow_tf32);
    ofa::runtime::AdaptiveOptions o;
    o.device = device ? device : "cpu";
    ofa::runtime::AdaptiveNetwork::check_options(ofa::runtime::bundle_library(bundle), o);
    o.ort_provider = ofa::runtime::parse_ort_provider(bundle.manifest.setup.ort_provider);
    auto built = ofa::runtime::build_bundle_levels(bundle, std::nullopt, ofa::runtime::parse_device(o.device), o.ort_provider);
    const int classes = ofa::common::search_space(bundle.manifest.setup.space, bundle.manifest.setup.elastic_kernel).num_classes;
    return new ofa_runtime{ofa::runtime::AdaptiveNetwork(ofa::runtime::bundle_library(bundle), std::move(built), o), classes};
  });
}

int ofa_runtime_infer(ofa_runtime* rt, const float* input, int64_t n, int64_t h, int64_t w, float* logits, int64_t logits_capacity) {
  return guarded(-1, [&] {
    require(rt != nullptr && input != nullptr && logits != nullptr, "ofa_runtime_infer: a NULL argument (handle, input or logits)");
    if (n < 1 || h < 1 || w < 1 || n > 4096 || h > 8192 || w > 8192)
      throw ofa::common::Error("ofa_runtime_infer: input [" + std::to_string(n) + ", 3, " + std::to_string(h) + ", " + std::to_string(w) +
                               "] is not a batch of images (n in [1, 4096], h and w in [1, 8192])");
    // Checked before the frame is served: a refused call changes nothing.
    if (n * rt->classes > logits_capacity)
      throw ofa::common::Error("ofa_runtime_infer: the logits need " + std::to_string(n * rt->classes) + " floats, the buffer has room for " +
                               std::to_string(logits_capacity));
    const torch::Tensor x = torch::from_blob(const_cast<float*>(input), {n, 3, h, w}, torch::kFloat32);
    const torch::Tensor out = rt->net.infer(x).to(torch::kCPU, torch::kFloat32).contiguous();
    rt->served = true;
    if (out.numel() != n * rt->classes) throw ofa::common::Error("ofa_runtime_infer: the network gave " + std::to_string(out.numel()) + " logits");
    std::memcpy(logits, out.data_ptr<float>(), static_cast<std::size_t>(out.numel()) * sizeof(float));
    return 0;
  });
}

int ofa_runtime_levels(const ofa_runtime* rt) {
  return guarded(-1, [&] { return require(rt != nullptr, "the handle is NULL"), static_cast<int>(rt->net.levels()); });
}

int ofa_runtime_level(const ofa_runtime* rt) {
  return guarded(-1, [&] { return require(rt != nullptr, "the handle is NULL"), rt->net.level(); });
}

int ofa_runtime_resolution(const ofa_runtime* rt) {
  return guarded(-1, [&] { return require(rt != nullptr, "the handle is NULL"), rt->net.resolution(); });
}

int ofa_runtime_classes(const ofa_runtime* rt) {
  return guarded(-1, [&] { return require(rt != nullptr, "the handle is NULL"), rt->classes; });
}

int ofa_runtime_pin_level(ofa_runtime* rt, int level) {
  return guarded(-1, [&] {
    require(rt != nullptr, "the handle is NULL");
    rt->net.pin_level(level == -1 ? std::nullopt : std::optional<int>(level_index(rt, level)));
    return 0;
  });
}

int ofa_runtime_set_latency_target(ofa_runtime* rt, double ms) {
  return guarded(-1, [&] { return require(rt != nullptr, "the handle is NULL"), rt->net.set_latency_target(ms), 0; });
}

int ofa_runtime_set_min_accuracy(ofa_runtime* rt, double accuracy) {
  return guarded(-1, [&] {
    require(rt != nullptr, "the handle is NULL");
    if (std::isnan(accuracy) || accuracy > 1) throw ofa::common::Error("accuracy floor " + std::to_string(accuracy) + " is not a fraction in [0, 1]");
    rt->net.set_min_accuracy(accuracy < 0 ? std::nullopt : std::optional<double>(accuracy));
    return 0;
  });
}

int ofa_runtime_level_resolution(const ofa_runtime* rt, int level) {
  return guarded(-1, [&] { return rt->net.library().levels[static_cast<std::size_t>(level_index(rt, level))].arch.r; });
}

double ofa_runtime_level_latency_ms(const ofa_runtime* rt, int level) {
  return guarded(-1.0, [&] { return rt->net.library().levels[static_cast<std::size_t>(level_index(rt, level))].latency_median_ms; });
}

double ofa_runtime_level_accuracy(const ofa_runtime* rt, int level) {
  return guarded(-1.0, [&] { return rt->net.library().levels[static_cast<std::size_t>(level_index(rt, level))].accuracy; });
}

int ofa_runtime_last_frame(const ofa_runtime* rt, ofa_runtime_frame* frame) {
  return guarded(-1, [&] {
    require(rt != nullptr && frame != nullptr, "ofa_runtime_last_frame: a NULL argument");
    require(rt->served, "ofa_runtime_last_frame: no frame has been served yet");
    const ofa::runtime::FrameRecord& r = rt->net.last_frame();
    *frame = ofa_runtime_frame{r.frame, r.level, r.latency_ms, r.switched ? 1 : 0, r.next_level, r.target_ms, r.met ? 1 : 0, r.slowdown};
    return 0;
  });
}

int ofa_runtime_load_image(const char* path, int resolution, float* out, int64_t capacity) {
  return guarded(-1, [&] {
    require(path != nullptr && out != nullptr, "ofa_runtime_load_image: a NULL argument (path or out)");
    if (resolution < 32 || resolution > 4096) throw ofa::common::Error("ofa_runtime_load_image: resolution " + std::to_string(resolution) + " is not in [32, 4096]");
    const int64_t need = 3LL * resolution * resolution;
    if (capacity < need)
      throw ofa::common::Error("ofa_runtime_load_image: the image needs " + std::to_string(need) + " floats, the buffer has room for " + std::to_string(capacity));
    ofa::runtime::normalize_to_chw(ofa::runtime::eval_crop(ofa::runtime::read_image(path), resolution, path), out);
    return 0;
  });
}

void ofa_runtime_close(ofa_runtime* rt) { delete rt; }

const char* ofa_runtime_last_error(void) { return last_error.c_str(); }

const char* ofa_runtime_version(void) { return OFA_RUNTIME_VERSION_STRING; }

}  // extern "C"
