// bench-int8: how close each level's int8 QDQ model stays to float32, per calibration method,
// on images calibration never saw; which method the toolchain should use by default.
//   - calibration: --calib-count images drawn from --calib-images as for BN recalibration
//     (the same seeded draw and augmentation, --seed);
//   - held out: the folder's other images, and the shared ImageNet images, OFA's eval transform;
//   - methods: minmax, percentile 99.9 / 99.99 / 99.999, each with every layer int8 and with the
//     first convolution and the classifier float32 (fp32 ends);
//   - logits through ONNX Runtime (the int8 model) against the float32 model's (logit_fidelity).
// --dump DIR writes per level the float32 model, our int8 model (the default method), and the
// calibration, held-out and shared tensors as .npy, for runtime/bench/int8_ort_reference.py
// (ONNX Runtime's own quantize_static on the same tensors, and the speed of both models).
//   bench-int8 --library L.yaml [--weights W.pt] [--calib-images DIR] [--calib-count 10] [--seed 0] [--dump DIR]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <torch/version.h>

#include "ofa/cli/tool_main.hpp"
#include "ofa/common/build_description.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/runtime/adaptive/library_levels.hpp"
#include "ofa/runtime/engine/onnx_subnet.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"
#include "ofa/runtime/images/calibration_images.hpp"
#include "ofa/runtime/quant/int8_subnet.hpp"
#include "ofa/runtime/quant/logit_fidelity.hpp"

using namespace ofa::runtime;
using namespace ofa::common;
namespace fs = std::filesystem;

namespace {

struct Options {
  fs::path library;
  std::optional<fs::path> weights, calib_images, dump;
  std::string data_dir;
  int calib_count = 10;
  std::uint64_t seed = 0;
};

struct Method {
  std::string label;
  RangeMethod range;
  QdqOptions qdq;
};

std::vector<Method> methods() {
  std::vector<Method> m;
  for (bool ends : {false, true}) {
    const std::string tail = ends ? ", fp32 ends" : "";
    m.push_back({"minmax" + tail, {"minmax", 0}, {ends}});
    m.push_back({"percentile 99.9" + tail, {"percentile", 99.9}, {ends}});
    m.push_back({"percentile 99.99" + tail, {"percentile", 99.99}, {ends}});
    m.push_back({"percentile 99.999" + tail, {"percentile", 99.999}, {ends}});
  }
  return m;
}

// A float32 tensor as a NumPy .npy file (format 1.0): what the Python anchor reads.
void write_npy(const fs::path& file, const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat32).contiguous();
  std::string shape = "(";
  for (std::int64_t d : c.sizes()) shape += std::to_string(d) + ",";
  shape += ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  bytes.append(static_cast<const char*>(c.data_ptr()), static_cast<std::size_t>(c.nbytes()));
  write_file_atomic(file, bytes);
}

struct ImageSets {
  CalibrationImages calib;
  std::vector<LabeledImage> held_out, shared;
};

ImageSets image_sets(const Options& o, const fs::path& data) {
  const fs::path classes = data / "imagenet_classes.txt";
  const fs::path folder = o.calib_images.value_or(data / "images/val");
  ImageSets s{CalibrationImages({folder, classes, o.calib_count, o.calib_count, o.seed, 2, false}), {}, list_image_folder(data / "images/val", classes)};
  for (const LabeledImage& i : list_image_folder(folder, classes)) {
    bool drawn = false;
    for (const LabeledImage& c : s.calib.images()) drawn = drawn || c.file == i.file;
    if (!drawn) s.held_out.push_back(i);
  }
  return s;
}

std::string fidelity_cell(const LogitFidelity& f) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.4f / %.3f / %d/%d", f.cosine, f.max_relative_error, f.top1_agree, f.images);
  return buf;
}

void bench_level(const Subnet& net, std::size_t level, const ImageSets& s, const Options& o) {
  const int r = net.arch().r;
  const torch::Tensor calib = s.calib.batch(0, r).images;
  const torch::Tensor held = load_eval_batch(s.held_out, {r, 2, false}).images;
  const torch::Tensor shared = load_eval_batch(s.shared, {r, 2, false}).images;
  const std::string fp32 = onnx_subnet_bytes(net, 0);
  const OrtSession fp32_session(fp32, 1, OrtProvider::Cpu, "float32");
  const torch::Tensor ref_held = fp32_session.run(held).clone(), ref_shared = fp32_session.run(shared).clone();
  const OnnxEvaluator graph(fp32);
  for (const Method& m : methods()) {
    const ValueRanges ranges = calibrate_ranges(graph, [&](std::size_t) { return calib; }, 1, m.range);
    const std::string int8 = qdq_model_bytes(fp32, ranges, m.qdq);
    const OrtSession q(int8, 1, OrtProvider::Cpu, "int8");
    std::printf("| %zu | %d | %s | %s | %s |\n", level, r, m.label.c_str(), fidelity_cell(logit_fidelity(q.run(held), ref_held)).c_str(),
                fidelity_cell(logit_fidelity(q.run(shared), ref_shared)).c_str());
  }
  std::fflush(stdout);
  if (!o.dump) return;
  const fs::path dir = *o.dump / ("level_" + std::to_string(level));
  fs::create_directories(dir);
  write_file_atomic(dir / "fp32.onnx", fp32);
  const ValueRanges ranges = calibrate_ranges(graph, [&](std::size_t) { return calib; }, 1, RangeMethod{});
  write_file_atomic(dir / "int8.onnx", qdq_model_bytes(fp32, ranges, QdqOptions{}));
  write_npy(dir / "calib.npy", calib);
  write_npy(dir / "heldout.npy", held);
  write_npy(dir / "shared.npy", shared);
}

std::string bench_int8(const Options& o) {
  if (!onnxruntime_available()) throw Error("bench-int8 runs int8 models on ONNX Runtime: this build has none (Debian 13's libonnxruntime-dev)");
  const fs::path data = resolve_data_dir(o.data_dir);
  const LibraryFile lib = read_library(o.library);
  const Supernet supernet = library_supernet(lib, o.library, o.weights, o.seed);
  WeightSlicer slicer(WeightSlicer::Mode::Copy);
  torch::set_num_threads(1);
  const ImageSets s = image_sets(o, data);
  std::printf("%s", benchmark_header("bench-int8", "LibTorch " TORCH_VERSION ", ONNX Runtime " + onnxruntime_version()).c_str());
  std::printf("bench-int8: %zu levels, %zu calibration images (seed %llu), %zu held out, %zu shared; weights %s\n", lib.levels.size(),
              s.calib.image_count(), static_cast<unsigned long long>(o.seed), s.held_out.size(), s.shared.size(), supernet.source().c_str());
  std::printf("cells: logits cosine to float32 / max relative logit error / top-1 agreement\n\n");
  std::printf("| level | r | method | held out | shared images |\n|---|---|---|---|---|\n");
  for (std::size_t i = 0; i < lib.levels.size(); ++i) bench_level(level_subnet(lib, i, o.library.parent_path(), supernet, slicer), i, s, o);
  return "";
}

const ofa::cli::Tool& tool() {
  using ofa::cli::bind;
  using O = ofa::cli::CommandOption;
  static const ofa::cli::Tool t{
      "bench-int8", "bench-int8: each level's int8 model against float32, per calibration method", "stopped",
      {ofa::cli::make_command<Options>(
          {"bench-int8", "", "Per level and calibration method, logits of the int8 QDQ model (ONNX Runtime) against float32 on held-out images.\n"
                             "  bench-int8 --library runs/local-cpu/library.yaml --dump /tmp/int8",
           {}, {}},
          {bind(O{"--library", ofa::cli::Need::Required}, &Options::library), bind(O{"--weights"}, &Options::weights), bind(O{"--calib-images"}, &Options::calib_images),
           bind(O{"--calib-count"}, &Options::calib_count), bind(O{"--seed"}, &Options::seed), bind(O{"--dump"}, &Options::dump),
           bind(O{"--data-dir"}, &Options::data_dir)},
          [](Options& o, const ofa::common::Reporter&) { return bench_int8(o); })}};
  return t;
}

}  // namespace

int main(int argc, char** argv) { return ofa::cli::tool_main(tool(), argc, argv); }
