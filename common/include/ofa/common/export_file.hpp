// export.yaml, the manifest of a bundle: what `ofa-runtime export` writes beside the levels'
// files, and all the runtime reads to serve them (format ofa-export/3; docs/formats.md).
#pragma once
#include "ofa/common/int8_calibration_file.hpp"
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/measurement_setup.hpp"

namespace ofa::common {

inline constexpr const char* kExportFormat = "ofa-export/3";

struct ExportedLevel {
  std::string file;          // level_<i>.pt or level_<i>.onnx, relative to export.yaml's folder
  std::string model_format;  // torchscript | onnx
  std::string engine;        // the engine that serves the file: optimized | llga | eager (TorchScript), onnxruntime (ONNX)
  ArchConfig arch;
  double accuracy = 0;
  std::string accuracy_source;  // predicted | measured
  double latency_median_ms = 0, latency_p90_ms = 0;
  std::int64_t bytes = 0;    // the file's size and SHA-256: a truncated, damaged or swapped file is refused
  std::string sha256;
  std::string precision = "fp32";  // fp32 | int8 (an ONNX QDQ model, served on onnxruntime)
  std::optional<Int8Setup> int8;   // how an int8 level's ranges were calibrated
};

// The levels, fastest first, and the setup their latencies were measured with (a library's
// MeasurementSetup: device, engine, provider, threads, batch, machine, LibTorch, weights).
struct ExportManifest {
  MeasurementSetup setup;
  std::string accuracy_source;         // the library's: predicted | measured
  std::string latency_device;          // set for an imported library (its latencies are another device's)
  std::string library;                 // where the bundle came from (provenance; never read back)
  std::optional<int> opset;            // when a level is ONNX
  std::int64_t onnx_batch = 0;         // ONNX levels' static batch; 0: any
  std::vector<ExportedLevel> levels;
};

std::string format_export_yaml(const ExportManifest& manifest);
// Reads export.yaml; errors name the file, the level and the key. A manifest of an older
// format (ofa-export/1 or /2, before bundles) is refused with a line saying to export again.
ExportManifest read_export(const std::filesystem::path& file);

}  // namespace ofa::common
