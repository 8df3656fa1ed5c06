// export.yaml, what `ofa-runtime export` writes beside the levels' files (format ofa-export/2;
// docs/formats.md).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"

namespace ofa::common {

inline constexpr const char* kExportFormat = "ofa-export/2";

struct ExportedLevel {
  std::string file;  // level_<i>.pt or level_<i>.onnx, beside export.yaml
  ArchConfig arch;
  double accuracy = 0;
  std::string accuracy_source;
  double latency_median_ms = 0;
};

struct ExportManifest {
  std::string model_format;            // torchscript | onnx
  std::optional<int> opset;            // ONNX only
  std::optional<std::int64_t> batch;   // ONNX only: the models' static batch
  std::string library, weights, space;
  std::vector<ExportedLevel> levels;
};

std::string format_export_yaml(const ExportManifest& manifest);
// Reads export.yaml; errors name the file and the key.
ExportManifest read_export(const std::filesystem::path& file);

}  // namespace ofa::common
