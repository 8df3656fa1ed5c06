#include "ofa/runtime/export_command.hpp"

#include <unistd.h>

#include "ofa/common/yaml_values.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/runtime/library_levels.hpp"
#include "ofa/runtime/scripted_subnet.hpp"
#include "ofa/common/candidates_file.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::runtime {

using namespace ofa::common;
namespace fs = std::filesystem;

namespace {

// Removes a folder unless released: the temporary export folder on any error.
class FolderGuard {
 public:
  explicit FolderGuard(fs::path p) : path_(std::move(p)) {}
  ~FolderGuard() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  FolderGuard(const FolderGuard&) = delete;
  FolderGuard& operator=(const FolderGuard&) = delete;
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

std::string inline_list(const auto& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

}  // namespace

std::string run_export(const ExportOptions& o) {
  const common::LibraryFile lib = common::read_library(o.library);
  std::error_code ec;
  const fs::path out = o.out_dir.has_filename() ? o.out_dir : o.out_dir.parent_path();
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) throw Error(out.string() + ": exists and is not a folder");
    if (!fs::is_empty(out, ec) && !o.force) throw Error(out.string() + ": folder exists and is not empty (use --force to replace it)");
  }
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  const fs::path tmp = parent / ("." + out.filename().string() + ".tmp." + std::to_string(::getpid()));
  fs::remove_all(tmp, ec);
  if (!fs::create_directory(tmp, ec)) throw Error(tmp.string() + ": cannot create the folder: " + ec.message());
  FolderGuard guard(tmp);

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
  // Replace last, so an existing folder survives any earlier failure.
  if (fs::exists(out, ec)) fs::remove_all(out);
  fs::rename(tmp, out);
  guard.release();
  return "export: " + std::to_string(lib.levels.size()) + " levels (weights: " + supernet.source() + ") written to " + out.string();
}

}  // namespace ofa::runtime
