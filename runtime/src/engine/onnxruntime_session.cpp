#include "ofa/runtime/engine/onnxruntime_session.hpp"

#include "ofa/common/error.hpp"

#ifdef OFA_WITH_ONNXRUNTIME
#include <algorithm>
#include <iostream>

#include <onnxruntime_cxx_api.h>
#endif

namespace ofa::runtime {

using common::Error;

OrtProvider parse_ort_provider(const std::string& text) {
  if (text == "cpu") return OrtProvider::Cpu;
  if (text == "cuda") return OrtProvider::Cuda;
  if (text == "tensorrt") return OrtProvider::TensorRt;
  throw Error("--ort-provider '" + text + "' is not cpu, cuda or tensorrt");
}

const char* ort_provider_name(OrtProvider provider) {
  switch (provider) {
    case OrtProvider::Cpu: return "cpu";
    case OrtProvider::Cuda: return "cuda";
    case OrtProvider::TensorRt: return "tensorrt";
  }
  return "cpu";
}

std::string onnxruntime_missing() {
  return "this build has no ONNX Runtime (Debian 13's libonnxruntime-dev and libonnx-dev, found at configure time; Debian 12 has none)";
}

#ifndef OFA_WITH_ONNXRUNTIME

bool onnxruntime_available() { return false; }
std::string onnxruntime_version() { return ""; }
void check_ort_provider(OrtProvider) {}

struct OrtSession::State {};

OrtSession::OrtSession(const std::string&, int, OrtProvider, const std::string& where, int, bool) { throw Error(where + ": " + onnxruntime_missing()); }
torch::Tensor OrtSession::run(const torch::Tensor&) const { throw Error("the ONNX Runtime engine: " + onnxruntime_missing()); }
std::vector<std::int64_t> OrtSession::input_shape() const { return {}; }
std::vector<std::int64_t> OrtSession::output_shape() const { return {}; }

#else

bool onnxruntime_available() { return true; }
std::string onnxruntime_version() { return OrtGetApiBase()->GetVersionString(); }

void check_ort_provider(OrtProvider provider) {
  const char* wanted = provider == OrtProvider::Cuda ? "CUDAExecutionProvider" : provider == OrtProvider::TensorRt ? "TensorrtExecutionProvider" : "CPUExecutionProvider";
  const std::vector<std::string> have = Ort::GetAvailableProviders();
  if (std::find(have.begin(), have.end(), wanted) != have.end()) return;
  std::string list;
  for (const std::string& p : have) list += (list.empty() ? "" : ", ") + p;
  throw Error(std::string("--ort-provider ") + ort_provider_name(provider) + ": this ONNX Runtime (" + onnxruntime_version() + ") has no " + wanted +
              " (it has " + list + "; NVIDIA's ONNX Runtime has CUDA and TensorRT, docs/onnxruntime.md)");
}

namespace {

// The process's one ONNX Runtime environment (ONNX Runtime allows one; sessions share it): the
// only global of the engine, made on first use. Logging at FATAL only, so the library never
// prints: every failure comes back as an exception and then an Error.
Ort::Env& ort_environment_registry() {
  // Never destroyed: ONNX Runtime's environment torn down by static destructors at exit is a
  // known source of crashes there (its own issues #12736, #24579); the OS frees it.
  static Ort::Env* env = [] {
    // Debian's ONNX Runtime registers ONNX's ai.onnx.ml schemas that the system libonnx it
    // links has already registered, and libonnx reports each duplicate on std::cerr (a dozen
    // "Schema error" lines, harmless: the first registration stands). Quiet for that moment
    // only; levels are built on one thread before any is served.
    std::streambuf* saved = std::cerr.rdbuf(nullptr);
    try {
      auto* e = new Ort::Env(ORT_LOGGING_LEVEL_FATAL, "ofa-toolchain");
      std::cerr.rdbuf(saved);
      return e;
    } catch (...) {
      std::cerr.rdbuf(saved);
      throw;
    }
  }();
  return *env;
}

// The first session: ONNX's own schemas are registered lazily, on the first use of ONNX's
// registry (the first session's graph), after ONNX Runtime's; libonnx then reports each of
// ONNX Runtime's ai.onnx.ml schemas as a duplicate on std::cerr (about 570 lines, harmless).
// Quiet for the first session only, built on one thread before any is served.
Ort::Session first_quiet_session(const std::string& model, const Ort::SessionOptions& so) {
  static bool first = true;
  if (!first) return Ort::Session(ort_environment_registry(), model.data(), model.size(), so);
  first = false;
  std::streambuf* saved = std::cerr.rdbuf(nullptr);
  try {
    Ort::Session s(ort_environment_registry(), model.data(), model.size(), so);
    std::cerr.rdbuf(saved);
    return s;
  } catch (...) {
    std::cerr.rdbuf(saved);
    throw;
  }
}

std::vector<std::int64_t> shape_of(const Ort::TypeInfo& info) {
  if (info.GetONNXType() != ONNX_TYPE_TENSOR) return {};
  return info.GetTensorTypeAndShapeInfo().GetShape();
}

}  // namespace

struct OrtSession::State {
  mutable Ort::Session session{nullptr};  // Run is not const in the C++ API, and is thread-safe
  std::string input_name, output_name;
  std::vector<std::int64_t> input_shape, output_shape;
  Ort::MemoryInfo cpu = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  std::string where;
};

OrtSession::OrtSession(const std::string& model, int threads, OrtProvider provider, const std::string& where, int gpu, bool spin) {
  auto s = std::make_shared<State>();
  s->where = where;
  try {
    Ort::SessionOptions so;
    so.SetIntraOpNumThreads(threads);
    so.SetInterOpNumThreads(1);
    so.SetExecutionMode(ExecutionMode::ORT_SEQUENTIAL);
    so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    so.EnableMemPattern();
    so.SetLogSeverityLevel(ORT_LOGGING_LEVEL_FATAL);
    // ONNX Runtime's intra-op workers spin after each run by default; in a process that also
    // runs LibTorch (its OpenMP threads), and beside the work the runtime shares the device
    // with, the spinning workers take the cores the others need. Measured on the Debian 13
    // lane at 2 threads: with spinning the llga engine timed right after ONNX Runtime ran up to
    // 1.4x slower and auto picked wrongly; without it every engine is steady (docs/performance.md).
    so.AddConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
    // CUDA and TensorRT are appended ahead of the CPU provider, which takes what they cannot
    // run; ONNX Runtime builds without them (Debian's) refuse here with their own message.
    if (provider == OrtProvider::Cuda) {
      OrtCUDAProviderOptions cuda{};
      cuda.device_id = gpu;
      so.AppendExecutionProvider_CUDA(cuda);
    } else if (provider == OrtProvider::TensorRt) {
      OrtTensorRTProviderOptions trt{};
      trt.device_id = gpu;
      trt.trt_fp16_enable = 1;
      so.AppendExecutionProvider_TensorRT(trt);
      OrtCUDAProviderOptions cuda{};
      cuda.device_id = gpu;
      so.AppendExecutionProvider_CUDA(cuda);
    }
    s->session = first_quiet_session(model, so);
    if (s->session.GetInputCount() != 1 || s->session.GetOutputCount() != 1)
      throw Error(where + ": the ONNX model has " + std::to_string(s->session.GetInputCount()) + " inputs and " +
                  std::to_string(s->session.GetOutputCount()) + " outputs, expected one of each");
    Ort::AllocatorWithDefaultOptions allocator;
    s->input_name = s->session.GetInputNameAllocated(0, allocator).get();
    s->output_name = s->session.GetOutputNameAllocated(0, allocator).get();
    s->input_shape = shape_of(s->session.GetInputTypeInfo(0));
    s->output_shape = shape_of(s->session.GetOutputTypeInfo(0));
  } catch (const Ort::Exception& e) {
    throw Error(where + ": ONNX Runtime (" + ort_provider_name(provider) + " provider): " + e.what());
  }
  state_ = std::move(s);
}

torch::Tensor OrtSession::run(const torch::Tensor& input) const {
  const State& s = *state_;
  const torch::Tensor x = input.to(torch::kCPU, torch::kFloat32).contiguous();
  const std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().end());
  if (shape.size() != s.input_shape.size())
    throw Error(s.where + ": input of " + std::to_string(shape.size()) + " dimensions for a model that takes " + std::to_string(s.input_shape.size()));
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (s.input_shape[i] >= 0 && s.input_shape[i] != shape[i])
      throw Error(s.where + ": input " + c10::str(x.sizes()) + " does not match the model's input (dimension " + std::to_string(i) + " is " +
                  std::to_string(s.input_shape[i]) + ")");
  try {
    // The tensor's own memory, read by ONNX Runtime in place (it does not write its inputs).
    const Ort::Value in = Ort::Value::CreateTensor<float>(s.cpu, const_cast<float*>(x.data_ptr<float>()), static_cast<std::size_t>(x.numel()),
                                                          shape.data(), shape.size());
    const char* in_name = s.input_name.c_str();
    const char* out_name = s.output_name.c_str();
    std::vector<Ort::Value> out = s.session.Run(Ort::RunOptions{nullptr}, &in_name, &in, 1, &out_name, 1);
    const auto info = out.front().GetTensorTypeAndShapeInfo();
    if (info.GetElementType() != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) throw Error(s.where + ": the model's output is not float32");
    const std::vector<std::int64_t> out_shape = info.GetShape();
    float* data = out.front().GetTensorMutableData<float>();
    // ONNX Runtime's buffer becomes the result without a copy; the value lives as long as it.
    auto keep = std::make_shared<Ort::Value>(std::move(out.front()));
    return torch::from_blob(data, out_shape, [keep](void*) {}, torch::TensorOptions().dtype(torch::kFloat32));
  } catch (const Ort::Exception& e) {
    throw Error(s.where + ": ONNX Runtime: " + e.what());
  }
}

std::vector<std::int64_t> OrtSession::input_shape() const { return state_->input_shape; }
std::vector<std::int64_t> OrtSession::output_shape() const { return state_->output_shape; }

#endif

}  // namespace ofa::runtime
