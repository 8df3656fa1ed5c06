// `ofa-runtime export`: a library's levels as a bundle, each a self-contained file, for a device to serve.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "ofa/common/reporter.hpp"
#include "ofa/runtime/quant/activation_ranges.hpp"

namespace ofa::runtime {

// `ofa-runtime export`: a library's levels as a bundle (docs/deploy.md).
struct ExportOptions {
  std::filesystem::path library;
  std::optional<std::filesystem::path> weights;  // default: the library's (or random weights)
  std::filesystem::path out_dir;
  bool force = false;                            // replace a non-empty out_dir
  std::uint64_t seed = 0;                        // of random weights
  std::string format = "auto";                   // auto (each level in its engine's format) | torchscript | onnx
  std::optional<std::int64_t> batch;             // the ONNX models' static batch; absent: any batch
  // Every level at this precision (fp32 | int8); absent: each level at its own. An fp32 level
  // made int8 is calibrated here on calib_images (drawn and augmented as for BN recalibration,
  // with `seed`); an int8 level made fp32 is its fp32 network.
  std::optional<std::string> precision{};
  std::optional<std::filesystem::path> calib_images{};
  int calib_count = 2000, calib_batch = 200;
  RangeMethod range_method{};        // --calib-method, --calib-percentile
  std::string classes{}, data_dir{};  // the calibration folder's class list (default: the data folder's)
};

// Writes a bundle into out_dir: per level level_<i>.pt (level_module: BN folded, body and head,
// loadable by torch.jit.load and torch::jit::load) or level_<i>.onnx (onnx_subnet_bytes: opset
// kOnnxOpset) — with format auto, ONNX for levels measured on ONNX Runtime and TorchScript for
// the others — and export.yaml (format ofa-export/3: the library's setup, each level's file,
// format, engine, architecture, accuracy, latencies, size and SHA-256). The folder appears whole
// or not at all: it is written beside out_dir and renamed into place. An int8 level is an ONNX
// QDQ model (int8_subnet_bytes) served on onnxruntime, its calibration setup in export.yaml.
// Returns a one-line summary.
std::string run_export(const ExportOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
