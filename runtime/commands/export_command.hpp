// `ofa-runtime export`: a library's levels as a bundle, each a self-contained file, for a device to serve.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "ofa/common/reporter.hpp"

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
};

// Writes a bundle into out_dir: per level level_<i>.pt (level_module: BN folded, body and head,
// loadable by torch.jit.load and torch::jit::load) or level_<i>.onnx (onnx_subnet_bytes: opset
// kOnnxOpset) — with format auto, ONNX for levels measured on ONNX Runtime and TorchScript for
// the others — and export.yaml (format ofa-export/3: the library's setup, each level's file,
// format, engine, architecture, accuracy, latencies, size and SHA-256). The folder appears whole
// or not at all: it is written beside out_dir and renamed into place. Returns a one-line summary.
std::string run_export(const ExportOptions& options, const common::Reporter& reporter = {});

}  // namespace ofa::runtime
