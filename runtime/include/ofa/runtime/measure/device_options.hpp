// Where and on what every command that runs networks runs them, and applying it (threads, TF32, CPU pinning).
#pragma once
#include <optional>
#include <string>

#include "ofa/common/measurement_setup.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"

namespace ofa::runtime {

// One record for every command that runs networks (the measuring commands, infer, run), each
// stating its own defaults: infer runs on one engine (.engine = "optimized"), run takes what the
// library recorded where a field is empty or absent.
struct DeviceOptions {
  std::string device = "cpu";
  std::string engine = "auto";  // auto | optimized | onnxruntime | eager | llga (engine.hpp, engine_choice.hpp)
  std::string ort_provider = "cpu";  // the ONNX Runtime engine's provider (onnxruntime_session.hpp)
  std::optional<int> threads = std::nullopt;  // LibTorch intra-op threads; absent or 0: LibTorch's default
  int warmup = 10;              // untimed calls of each network first
  int repeats = 50;             // timed calls (the commands that time)
  bool allow_tf32 = false;      // see apply_tf32
};

// Parses "cpu", "cuda", "cuda:1"; Error when CUDA is asked for and not available.
torch::Device parse_device(const std::string& text);

// Error naming the flag when a setting is out of range, the device is not here, or the engine
// unknown or unable to run there (engine_choice).
void check_device_options(const DeviceOptions& options);

// --engine for these options' device and ONNX Runtime provider (parse_engine_choice): also
// refuses --ort-provider cuda|tensorrt with a CPU --device, and a provider this ONNX Runtime
// lacks where ONNX Runtime would run.
EngineChoice engine_choice(const DeviceOptions& options);

// Whether cuDNN and cuBLAS may compute float32 convolutions and matrix products in TF32.
// LibTorch lets them by default, which moves logits by ~1e-3 on Ampere and later GPUs
// (measured on an H100: 2.26e-3 from OFA's, against 2.35e-6 without): off unless asked
// (--allow-tf32), so float32 is exact by default. No effect on CPU.
void apply_tf32(bool allow);

// Pins the process to the listed CPUs ("0,2-3", --pin-cpus); Error naming the list when it
// is malformed or the kernel refuses it.
void pin_to_cpus(const std::string& cpus);

// Applies --threads to LibTorch (absent or 0: its default) and returns the thread count in effect.
int apply_threads(std::optional<int> threads);

// Records a measurement made here into `setup`: this machine, this LibTorch (and ONNX Runtime
// where its engine may run), `device`, the engine (EngineChoice::recorded_name) and TF32
// setting of `options`, `threads` (as apply_threads returned) and `batch`.
void record_setup_here(common::MeasurementSetup& setup, const std::string& device, const DeviceOptions& options, int threads, int batch);

}  // namespace ofa::runtime
