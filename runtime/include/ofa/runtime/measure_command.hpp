#pragma once
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/layers.hpp"
#include "ofa/common/measured_file.hpp"

namespace ofa::runtime {

using common::MeasuredFile;
using common::MeasuredRow;
using common::read_measured;
using common::format_measured_yaml;

// Shared by the measuring commands.
struct DeviceOptions {
  std::string device = "cpu";
  std::string engine = "optimized";  // eager | optimized (see engine.hpp)
  int threads = 0;  // LibTorch intra-op threads; 0: LibTorch's default
  int warmup = 10;
  int repeats = 50;
  bool quiet = false;
  const std::atomic<bool>* cancel = nullptr;
};

// `ofa-measure latency`: end-to-end forward latency of candidates on a device.
struct MeasureLatencyOptions {
  DeviceOptions device;
  std::filesystem::path candidates;
  std::filesystem::path out;
  bool only_front = false;
  std::optional<int> top;  // the N candidates of highest predicted accuracy (after --only-front)
  std::optional<int> spread;  // N candidates spread over the predicted latency (or MACs) range
  int batch = 1;
  bool resume = false;
  std::optional<std::filesystem::path> weights;  // supernet; random weights when absent
};

// Measures and writes `out` after every candidate (atomically); with `resume`, candidates
// already in `out` (same id and architecture, same settings) are kept and skipped.
common::MeasuredFile run_measure_latency(const MeasureLatencyOptions& options);

// `ofa-measure lut`: a latency table in OFA's layout, one layer at a time.
struct BuildLutOptions {
  DeviceOptions device;
  std::string space = "ofa-mbv3-w1.2";
  bool elastic_kernel = false;
  std::vector<int> resolutions;  // empty: the space's
  std::filesystem::path out_dir;
  bool resume = false;
};

// Writes out_dir/<r>_lookup_table.json per resolution. Progress is kept per layer in
// out_dir/.<r>_lookup_table.partial.json, so an interrupted run resumes where it stopped.
void run_build_lut(const BuildLutOptions& options);

// Every distinct layer (by LUT key) the space can produce at resolution r.
std::vector<common::LayerSpec> distinct_layers(const common::SearchSpace& space, int r);

// Applies --threads to LibTorch and returns the thread count in effect.
int apply_threads(int threads);

}  // namespace ofa::runtime
