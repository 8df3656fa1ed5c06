#include "search/commands/import_dynamic_ofa_command.hpp"

#include <cstdio>

#include "ofa/common/dynamic_ofa_levels.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/named_inputs.hpp"
#include "ofa/common/measurement_setup.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/output_set.hpp"
#include "ofa/common/torch_save_writer.hpp"

namespace ofa::search {

namespace fs = std::filesystem;
using common::Error;

namespace {

void check_import_options(const ImportDynamicOfaOptions& o) {
  if (!common::is_device_name(o.device)) throw Error("--device: '" + common::printable(o.device) + "' is not cpu, cuda or cuda:N");
  if (o.latency_device.empty() || o.latency_device.find_first_of("\n\r") != std::string::npos)
    throw Error("--latency-device: '" + common::printable(o.latency_device) + "' is not a one-line name");
  // Not read here, but every command that serves the library will: a missing file is named now.
  std::error_code ec;
  if (o.weights && !fs::is_regular_file(*o.weights, ec))
    throw Error("--weights " + o.weights->string() + ": " + (fs::exists(*o.weights, ec) ? "is not a regular file" : "does not exist"));
}

// The library's setup: how Dynamic-OFA measured its levels, as far as its file says.
common::LibraryFile imported_library(const ImportDynamicOfaOptions& o, const common::SearchSpace& space) {
  common::LibraryFile lib;
  lib.format_version = 3;
  lib.space = space.name;
  lib.elastic_kernel = false;  // the flag is CompOFA's; w1.2 always has elastic kernels
  lib.profile_name = "dynamic-ofa";
  lib.device = o.device;
  lib.engine = "eager";  // Dynamic-OFA ran its levels in eager PyTorch
  lib.allow_tf32 = true;
  lib.machine = o.latency_device;
  lib.libtorch = "unknown (imported)";
  lib.threads = 0;
  lib.batch = 1;
  lib.weights = o.weights ? common::weights_for_library(o.weights->string(), o.out) : "random";
  lib.latency_device = o.latency_device;
  lib.imported_from = fs::absolute(o.pickle).lexically_normal().string();
  lib.measured = lib.imported_from;
  lib.accuracy_source = "measured";
  return lib;
}

common::Level imported_level(const common::DynamicOfaLevel& d, std::size_t i, const common::SearchSpace& space, const std::string& bn_folder) {
  common::Level l;
  l.candidate_id = static_cast<int>(i);
  l.arch = d.arch;
  l.accuracy = d.top1_percent / 100.0;
  l.accuracy_source = "measured";
  l.latency_median_ms = l.latency_p90_ms = d.latency_ms;  // the file holds one figure per level
  const common::Complexity c = common::complexity(common::enumerate_layers(space, d.arch));
  l.macs_m = c.macs / 1e6;
  l.params_m = c.params / 1e6;
  l.bn = bn_folder + "/level_" + std::to_string(i) + ".pt";
  return l;
}

std::string import_table(const ImportDynamicOfaOptions& o, const common::LibraryFile& lib, const std::vector<common::DynamicOfaLevel>& levels,
                         const std::string& bn_folder) {
  std::string s = "level  latency_ms  accuracy  r    BNs  images  " + o.latency_device + "\n";
  char line[160];
  for (std::size_t i = 0; i < lib.levels.size(); ++i) {
    std::snprintf(line, sizeof line, "%5zu  %10.3f  %8.5f  %3d  %3zu  %6lld\n", i, lib.levels[i].latency_median_ms, lib.levels[i].accuracy,
                  lib.levels[i].arch.r, levels[i].bn.size() / 2, static_cast<long long>(levels[i].calibration_images));
    s += line;
  }
  return s + "import-dynamic-ofa: " + std::to_string(lib.levels.size()) + " levels from " + o.pickle.string() + " written to " + o.out.string() +
         " (BN files in " + (o.out.parent_path() / bn_folder).string() + "); their latencies are " + o.latency_device +
         "'s: re-time them here with ofa-measure latency --library\n";
}

}  // namespace

std::string run_import_dynamic_ofa(const ImportDynamicOfaOptions& o) {
  check_import_options(o);
  // Dynamic-OFA's levels are subnets of OFA's w1.2 supernet with elastic kernels (its only space).
  const common::SearchSpace space = common::search_space("ofa-mbv3-w1.2");
  const std::vector<common::DynamicOfaLevel> levels = common::read_dynamic_ofa_levels(o.pickle, space);
  common::LibraryFile lib = imported_library(o, space);
  // The BN files sit in a folder named after the library, so two libraries in one folder keep theirs apart.
  const std::string bn_folder = o.out.stem().string() + "_bn";
  for (std::size_t i = 0; i < levels.size(); ++i) lib.levels.push_back(imported_level(levels[i], i, space, bn_folder));
  common::check_levels(lib.levels, o.pickle.string());  // the runtime needs faster-and-less-accurate first
  // The driver checked --out against the flags; the BN files written beside it must spare them too.
  std::vector<common::NamedInput> inputs{{"the pickle", o.pickle}};
  if (o.weights) inputs.push_back({"--weights", *o.weights});
  for (const common::Level& l : lib.levels)
    common::check_output_spares_inputs("a BN file", o.out.parent_path() / l.bn, inputs, "choose another --out (its BN files go to <stem>_bn/ beside it)");
  common::OutputSet outputs;
  for (std::size_t i = 0; i < levels.size(); ++i) outputs.add(o.out.parent_path() / lib.levels[i].bn, common::torch_save_bytes(levels[i].bn));
  outputs.add(o.out, common::format_library_yaml(lib));
  outputs.commit();
  return import_table(o, lib, levels, bn_folder);
}

}  // namespace ofa::search
