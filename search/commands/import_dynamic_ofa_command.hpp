// `ofa-search import-dynamic-ofa`: a library (and one BN file per level) from Dynamic-OFA's own level file.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace ofa::search {

struct ImportDynamicOfaOptions {
  std::filesystem::path pickle;  // nets_6.pickle / nets_7.pickle
  std::filesystem::path out;     // library.yaml; the BN files go to <out stem>_bn/ beside it
  std::optional<std::filesystem::path> weights;  // the supernet the levels were taken from (recorded, not read)
  std::string latency_device = "dynamic-ofa";    // where the file's latencies were measured
  std::string device = "cpu";                    // where the levels are meant to run here
};

// Reads and checks every level first, then writes the library and its BN files together (all
// or nothing); returns the table it prints.
std::string run_import_dynamic_ofa(const ImportDynamicOfaOptions& options);

}  // namespace ofa::search
