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
#include "ofa/runtime/engine/scripted_subnet.hpp"
#include "ofa/common/limits.hpp"
#include "ofa/common/candidates_file.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::runtime {

using namespace ofa::common;
namespace fs = std::filesystem;

std::string run_export(const ExportOptions& o, const common::Reporter& reporter) {
  if (o.format != "torchscript" && o.format != "onnx") throw Error("--format '" + o.format + "' is not torchscript or onnx");
  const bool onnx = o.format == "onnx";
  if (onnx && !onnx_export_available())
    throw Error("--format onnx: this build has no ONNX (install Debian's libonnx-dev and libprotobuf-dev, then rebuild)");
  if (!onnx && o.batch != 1) throw Error("--batch " + std::to_string(o.batch) + ": only ONNX models have a static batch (--format onnx); TorchScript files take any");
  if (o.batch < 1 || o.batch > common::kMaxBatch) throw Error("--batch " + std::to_string(o.batch) + " is not in [1, " + std::to_string(common::kMaxBatch) + "]");
  const common::LibraryFile lib = common::read_library(o.library);
  // --out replaced whole (with --force) must not hold any file the levels are built from.
  common::check_folder_spares_inputs("--out", o.out_dir, common::library_inputs(lib, o.library, o.weights));
  common::StagingFolder tmp(o.out_dir, o.force);
  const fs::path out = o.out_dir.has_filename() ? o.out_dir : o.out_dir.parent_path();
  const Supernet supernet = library_supernet(lib, o.library, o.weights, o.seed);
  WeightSlicer slicer(WeightSlicer::Mode::Copy);
  common::ExportManifest manifest{o.format, std::nullopt, std::nullopt, o.library.string(), supernet.source(), lib.space, {}};
  if (onnx) manifest.opset = kOnnxOpset, manifest.batch = o.batch;
  for (std::size_t i = 0; i < lib.levels.size(); ++i) {
    const common::Level& l = lib.levels[i];
    if (o.cancel && o.cancel->load()) throw Error("interrupted; nothing written");
    const Subnet net = level_subnet(lib, i, o.library.parent_path(), supernet, slicer);
    const std::string file = "level_" + std::to_string(i) + (onnx ? ".onnx" : ".pt");
    // Saved into memory, then written with our own checks: LibTorch's file writer finishes the
    // archive in its destructor, and a write failing there (a full disk) ends the process.
    std::string bytes;
    try {
      if (onnx) {
        bytes = onnx_subnet_bytes(net, o.batch);
      } else {
        std::ostringstream s;
        script_subnet(net).save(s);
        bytes = s.str();
      }
    } catch (const std::exception& e) {
      throw Error("level " + std::to_string(i) + " (" + to_string(l.arch) + "): cannot export it: " + common::first_line(e.what()));
    }
    tmp.write(file, bytes);
    reporter.progress("export", static_cast<double>(i + 1) / static_cast<double>(lib.levels.size()), file);
    manifest.levels.push_back({file, l.arch, l.accuracy, l.accuracy_source, l.latency_median_ms});
  }
  tmp.write("export.yaml", common::format_export_yaml(manifest));
  tmp.commit();
  return "export: " + std::to_string(lib.levels.size()) + " levels as " + (onnx ? "ONNX (opset " + std::to_string(kOnnxOpset) + ")" : std::string("TorchScript")) + " (weights: " + supernet.source() + ") written to " + out.string();
}

}  // namespace ofa::runtime
