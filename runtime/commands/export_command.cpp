#include "runtime/commands/export_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "ofa/common/yaml_values.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/export_file.hpp"
#include "ofa/common/library_inputs.hpp"
#include "ofa/common/staging_folder.hpp"
#include "ofa/common/files.hpp"
#include "ofa/runtime/adaptive/library_levels.hpp"
#include "ofa/runtime/engine/onnx_subnet.hpp"
#include "ofa/runtime/engine/level_module.hpp"
#include "ofa/runtime/quant/int8_subnet.hpp"
#include "ofa/runtime/images/image_folder.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/common/int8_calibration_file.hpp"
#include "ofa/common/precision.hpp"
#include "ofa/common/sha256.hpp"
#include "ofa/common/limits.hpp"
#include "ofa/common/candidates_file.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::runtime {

using namespace ofa::common;
namespace fs = std::filesystem;

namespace {

// What a level is written as and served on. auto: ONNX for a level measured on ONNX Runtime (its
// latencies are that engine's), TorchScript on the engine it was measured on for the others.
// A library imported from another toolchain (its engine is how that one ran) gets optimized.
struct LevelFormat {
  std::string model_format, engine;
  std::string precision = "fp32";
};
LevelFormat level_format(const common::LibraryFile& lib, std::size_t i, const ExportOptions& o) {
  const std::string& format = o.format;
  if (o.precision.value_or(lib.levels[i].precision.precision) == common::kInt8) return {"onnx", "onnxruntime", "int8"};
  const std::string recorded = lib.levels[i].engine.empty() ? lib.engine : lib.levels[i].engine;
  if (format == "onnx" || (format == "auto" && recorded == "onnxruntime")) return {"onnx", "onnxruntime"};
  const bool torchscript_engine = recorded == "optimized" || recorded == "llga" || recorded == "eager";
  return {"torchscript", torchscript_engine && lib.latency_device.empty() ? recorded : "optimized"};
}

void check_int8_options(const ExportOptions& o, const common::LibraryFile& lib) {
  if (o.precision && !is_precision_name(*o.precision)) throw Error("--precision '" + *o.precision + "' is not fp32 or int8");
  check_range_method(o.range_method);
  const bool any_int8 = std::any_of(lib.levels.begin(), lib.levels.end(), [&](const common::Level& l) { return o.precision.value_or(l.precision.precision) == kInt8; });
  if (!any_int8) return;
  if (o.format == "torchscript") throw Error("--format torchscript: int8 levels are ONNX QDQ models (--format onnx or auto)");
  if (!onnx_export_available()) throw Error("int8 levels are ONNX QDQ models and this build has no ONNX (libonnx-dev and libprotobuf-dev, then rebuild)");
  const bool needs_images = std::any_of(lib.levels.begin(), lib.levels.end(), [&](const common::Level& l) { return l.precision.precision == kFp32; });
  if (o.precision == kInt8 && needs_images && !o.calib_images)
    throw Error("--precision int8: the library's fp32 levels have no int8 calibration; give --calib-images DIR (calibrated as BN recalibration draws)");
}

void check_export_options(const ExportOptions& o) {
  if (o.format != "auto" && o.format != "torchscript" && o.format != "onnx")
    throw Error("--format '" + o.format + "' is not auto, torchscript or onnx");
  if (o.format == "onnx" && !onnx_export_available())
    throw Error("--format onnx: this build has no ONNX (install Debian's libonnx-dev and libprotobuf-dev, then rebuild)");
  if (o.batch && o.format != "onnx")
    throw Error("--batch " + std::to_string(*o.batch) + ": only ONNX models have a static batch (--format onnx, for other ONNX consumers); a bundle's levels take any batch");
  if (o.batch && (*o.batch < 1 || *o.batch > common::kMaxBatch))
    throw Error("--batch " + std::to_string(*o.batch) + " is not in [1, " + std::to_string(common::kMaxBatch) + "]");
}

// Level i's file, saved into memory: LibTorch's file writer finishes the archive in its
// destructor, and a write failing there (a full disk) ends the process.
std::string level_bytes(const Subnet& net, const LevelFormat& f, std::int64_t onnx_batch) {
  if (f.model_format == "onnx") {
    if (!onnx_export_available()) throw Error("it was measured on ONNX Runtime and this build has no ONNX to write it (libonnx-dev; or --format torchscript)");
    return onnx_subnet_bytes(net, onnx_batch);
  }
  std::ostringstream s;
  level_module(net).save(s);
  return s.str();
}

common::ExportManifest manifest_of(const common::LibraryFile& lib, const ExportOptions& o, const std::string& weights) {
  common::ExportManifest m;
  m.setup = lib;
  m.setup.weights = weights;
  m.accuracy_source = lib.accuracy_source;
  m.latency_device = lib.latency_device;
  m.library = o.library.string();
  m.onnx_batch = o.batch.value_or(0);
  return m;
}

CalibrationImagesOptions calibration_options(const ExportOptions& o) {
  return {*o.calib_images, class_list_path(o.classes, o.data_dir), o.calib_count, o.calib_batch, o.seed, decode_threads(0), false};
}

// The calibration images, drawn once for every fp32 level made int8; none when no level is.
std::optional<CalibrationImages> calibration_images(const ExportOptions& o, const common::LibraryFile& lib) {
  const bool needed = o.precision == kInt8 && std::any_of(lib.levels.begin(), lib.levels.end(), [](const common::Level& l) { return l.precision.precision == kFp32; });
  if (!needed) {
    if (o.calib_images) throw Error("--calib-images: no level is calibrated here (only fp32 levels exported with --precision int8 are)");
    return std::nullopt;
  }
  return CalibrationImages(calibration_options(o));
}

// Level i as an int8 QDQ model: with the ranges of its calibration file when the level is int8,
// else calibrated now on --calib-images.
struct Int8Level {
  std::string model;
  common::Int8Setup setup;
};
Int8Level int8_level(const common::LibraryFile& lib, std::size_t i, const ExportOptions& o, const Subnet& net,
                     const std::optional<CalibrationImages>& images, const common::Reporter& reporter, std::int64_t onnx_batch) {
  const common::Level& l = lib.levels[i];
  if (l.precision.precision == kInt8) {
    const fs::path file = o.library.parent_path() / l.precision.int8;  // an absolute path stays itself
    return {level_int8_model(lib, i, o.library.parent_path(), net, onnx_batch), common::read_int8_calibration(file).setup};
  }
  const common::Int8Calibration cal = calibrate_int8(net, *images, {calibration_options(o), o.range_method}, reporter);
  return {int8_subnet_bytes(net, cal.ranges, QdqOptions{cal.setup.fp32_ends}, onnx_batch), cal.setup};
}

}  // namespace

std::string run_export(const ExportOptions& o, const common::Reporter& reporter) {
  check_export_options(o);
  const common::LibraryFile lib = common::read_library(o.library);
  check_int8_options(o, lib);
  const std::optional<CalibrationImages> images = calibration_images(o, lib);
  const double levels = static_cast<double>(lib.levels.size());
  // --out replaced whole (with --force) must not hold any file the levels are built from.
  common::check_folder_spares_inputs("--out", o.out_dir, common::library_inputs(lib, o.library, o.weights));
  common::StagingFolder tmp(o.out_dir, o.force);
  const fs::path out = o.out_dir.has_filename() ? o.out_dir : o.out_dir.parent_path();
  const Supernet supernet = library_supernet(lib, o.library, o.weights, o.seed);
  WeightSlicer slicer(WeightSlicer::Mode::Copy);
  common::ExportManifest manifest = manifest_of(lib, o, supernet.source());
  int onnx_levels = 0, converted = 0;
  for (std::size_t i = 0; i < lib.levels.size(); ++i) {
    const common::Level& l = lib.levels[i];
    if (reporter.cancel().requested()) throw Error("interrupted; nothing written");
    const LevelFormat f = level_format(lib, i, o);
    converted += f.precision != l.precision.precision;
    const Subnet net = level_subnet(lib, i, o.library.parent_path(), supernet, slicer);
    const std::string file = "level_" + std::to_string(i) + (f.model_format == "onnx" ? ".onnx" : ".pt");
    std::string bytes;
    std::optional<common::Int8Setup> int8;
    try {
      if (f.precision == kInt8) {
        const Int8Level q = int8_level(lib, i, o, net, images, reporter.part(static_cast<double>(i) / levels, static_cast<double>(i + 1) / levels),
                                       manifest.onnx_batch);
        bytes = q.model;
        int8 = q.setup;
      } else {
        bytes = level_bytes(net, f, manifest.onnx_batch);
      }
    } catch (const std::exception& e) {
      throw Error("level " + std::to_string(i) + " (" + to_string(l.arch) + "): cannot export it: " + common::first_line(e.what()));
    }
    tmp.write(file, bytes);
    reporter.progress("export", static_cast<double>(i + 1) / static_cast<double>(lib.levels.size()), file);
    manifest.levels.push_back({file, f.model_format, f.engine, l.arch, l.accuracy, l.accuracy_source, l.latency_median_ms, l.latency_p90_ms,
                               static_cast<std::int64_t>(bytes.size()), common::sha256_hex(bytes), f.precision, int8});
    onnx_levels += f.model_format == "onnx";
  }
  if (onnx_levels > 0) manifest.opset = kOnnxOpset;
  tmp.write("export.yaml", common::format_export_yaml(manifest));
  tmp.commit();
  const int n = static_cast<int>(lib.levels.size());
  const std::string formats = onnx_levels == 0 ? "TorchScript" : onnx_levels == n ? "ONNX (opset " + std::to_string(kOnnxOpset) + ")"
                                                                   : std::to_string(n - onnx_levels) + " TorchScript, " + std::to_string(onnx_levels) + " ONNX";
  std::string summary = "export: a bundle of " + std::to_string(n) + " levels as " + formats + " (weights: " + supernet.source() + ") written to " + out.string();
  if (converted > 0)
    summary += "\nexport: " + std::to_string(converted) + " levels measured at another precision are written at " + *o.precision +
               ": their latency and accuracy in export.yaml are the measured precision's";
  return summary;
}

}  // namespace ofa::runtime
