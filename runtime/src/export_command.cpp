#include "ofa/runtime/export_command.hpp"

#include <unistd.h>

#include "ofa/common/yaml_values.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/staging_folder.hpp"
#include "ofa/common/files.hpp"
#include "ofa/runtime/library_levels.hpp"
#include "ofa/runtime/scripted_subnet.hpp"
#include "ofa/common/candidates_file.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::runtime {

using namespace ofa::common;
namespace fs = std::filesystem;

namespace {

std::string inline_list(const auto& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

}  // namespace

std::string run_export(const ExportOptions& o) {
  const common::LibraryFile lib = common::read_library(o.library);
  common::StagingFolder tmp(o.out_dir, o.force);
  const fs::path out = o.out_dir.has_filename() ? o.out_dir : o.out_dir.parent_path();
  const Supernet supernet = library_supernet(lib, o.library, o.weights, o.seed);
  WeightSlicer slicer(WeightSlicer::Mode::Copy);
  std::string manifest = "format: ofa-export/1\n";
  manifest += "library: " + common::yaml_quoted(o.library.string()) + "\n";
  manifest += "weights: " + common::yaml_quoted(supernet.source()) + "\n";
  manifest += "space: " + lib.space + "\n";
  manifest += "input: 'float32 [N, 3, r, r], normalised as for ImageNet (mean 0.485 0.456 0.406, std 0.229 0.224 0.225)'\n";
  manifest += "levels:\n";
  for (std::size_t i = 0; i < lib.levels.size(); ++i) {
    const common::Level& l = lib.levels[i];
    const Subnet net = level_subnet(lib, i, o.library.parent_path(), supernet, slicer);
    const std::string file = "level_" + std::to_string(i) + ".pt";
    try {
      script_subnet(net).save((tmp / file).string());
    } catch (const std::exception& e) {
      throw Error("level " + std::to_string(i) + " (" + to_string(l.arch) + "): cannot export it: " + e.what());
    }
    manifest += "  - file: " + file + "\n";
    manifest += "    r: " + std::to_string(l.arch.r) + "\n";
    manifest += "    ks: " + inline_list(l.arch.ks) + "\n    e: " + inline_list(l.arch.e) + "\n    d: " + inline_list(l.arch.d) + "\n";
    manifest += "    accuracy: " + common::format_accuracy(l.accuracy) + "\n";
    manifest += "    accuracy_source: " + l.accuracy_source + "\n";
    manifest += "    latency_median_ms: " + common::format_g(l.latency_median_ms, 6) + "\n";
  }
  write_file_atomic(tmp / "export.yaml", manifest);
  tmp.commit();
  return "export: " + std::to_string(lib.levels.size()) + " levels (weights: " + supernet.source() + ") written to " + out.string();
}

}  // namespace ofa::runtime
