// `ofa-runtime export`: every level of a library as a self-contained TorchScript file.
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "ofa/common/reporter.hpp"

namespace ofa::runtime {

// `ofa-runtime export`: every level of a library as a self-contained TorchScript file.
struct ExportOptions {
  std::filesystem::path library;
  std::optional<std::filesystem::path> weights;  // default: the library's (or random weights)
  std::filesystem::path out_dir;
  bool force = false;                            // replace a non-empty out_dir
  std::uint64_t seed = 0;                        // of random weights
  std::string format = "torchscript";            // torchscript | onnx
  std::int64_t batch = 1;                        // the ONNX models' static batch
  const std::atomic<bool>* cancel = nullptr;     // checked between levels: the staging folder is removed
};

// Writes out_dir/level_<i>.pt (script_subnet: BN folded, unfrozen, loadable by Python's
// torch.jit.load and C++'s torch::jit::load, same logits as the level), or with format "onnx"
// out_dir/level_<i>.onnx (onnx_subnet_bytes: opset kOnnxOpset, static batch), and
// out_dir/export.yaml (format ofa-export/2: the format, opset and batch, each level's file,
// architecture, resolution, accuracy, latency). The
// folder appears whole or not at all: it is written beside out_dir and renamed into place.
// Returns a one-line summary.
std::string run_export(const ExportOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
