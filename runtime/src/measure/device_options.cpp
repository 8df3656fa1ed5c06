#include "ofa/runtime/measure/device_options.hpp"

#include <sched.h>

#include <sstream>

#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "ofa/common/error.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/machine_identity.hpp"

namespace ofa::runtime {

using common::Error;

torch::Device parse_device(const std::string& text) {
  torch::Device d = torch::kCPU;
  try {
    d = torch::Device(text);
  } catch (const c10::Error&) {
    throw common::Error("--device '" + text + "' is not cpu, cuda or cuda:N");
  }
  if (d.is_cuda()) {
    if (!torch::cuda::is_available()) throw common::Error("--device " + text + ": CUDA is not available in this LibTorch build or machine");
    if (d.has_index() && d.index() >= static_cast<int>(torch::cuda::device_count()))
      throw common::Error("--device " + text + ": only " + std::to_string(torch::cuda::device_count()) + " CUDA device(s)");
  } else if (!d.is_cpu()) {
    throw common::Error("--device '" + text + "' is not cpu, cuda or cuda:N");
  }
  return d;
}

void check_device_options(const DeviceOptions& d) {
  if (d.warmup < 0) throw Error("--warmup " + std::to_string(d.warmup) + " must be >= 0");
  if (d.repeats < 1) throw Error("--repeats " + std::to_string(d.repeats) + " must be >= 1");
  if (d.threads && *d.threads < 0) throw Error("--threads " + std::to_string(*d.threads) + " must be >= 0");
  engine_choice(d);
}

EngineChoice engine_choice(const DeviceOptions& d) {
  const torch::Device device = parse_device(d.device);
  const OrtProvider provider = parse_ort_provider(d.ort_provider);
  check_ort_provider_device(provider, device);
  EngineChoice choice = parse_engine_choice(d.engine, device, provider);
  for (EngineKind k : choice.engines())
    if (k == EngineKind::OnnxRuntime) check_ort_provider(provider);
  return choice;
}

void apply_tf32(bool allow) {
  at::globalContext().setAllowTF32CuDNN(allow);
  at::globalContext().setAllowTF32CuBLAS(allow);
}

int apply_threads(std::optional<int> threads) {
  if (threads && *threads > 0) torch::set_num_threads(*threads);
  return torch::get_num_threads();
}

void pin_to_cpus(const std::string& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::stringstream ss(cpus);
  int count = 0;
  for (std::string part; std::getline(ss, part, ',');) {
    int a = -1, b = -1;
    char dash = 0;
    std::stringstream ps(part);
    if (!(ps >> a) || a < 0 || a >= CPU_SETSIZE) throw Error("--pin-cpus '" + cpus + "': '" + part + "' is not a CPU number or range");
    b = a;
    if (ps >> dash) {
      if (dash != '-' || !(ps >> b) || b < a || b >= CPU_SETSIZE) throw Error("--pin-cpus '" + cpus + "': '" + part + "' is not a CPU number or range");
    }
    for (int c = a; c <= b; ++c, ++count) CPU_SET(c, &set);
  }
  if (count == 0) throw Error("--pin-cpus '" + cpus + "' names no CPU");
  if (sched_setaffinity(0, sizeof set, &set) != 0) throw Error("--pin-cpus '" + cpus + "': the system refused it (no such CPU here?)");
}

void record_setup_here(common::MeasurementSetup& setup, const std::string& device, const DeviceOptions& o, int threads, int batch) {
  setup.machine = common::machine_description();
  const EngineChoice choice = engine_choice(o);
  setup.libtorch = TORCH_VERSION;
  setup.ort_provider = "cpu";
  for (EngineKind k : choice.engines())
    if (k == EngineKind::OnnxRuntime) {
      setup.libtorch += ", onnxruntime " + onnxruntime_version();
      setup.ort_provider = o.ort_provider;
    }
  setup.device = device;
  setup.engine = choice.recorded_name();
  setup.allow_tf32 = o.allow_tf32;
  setup.threads = threads;
  setup.batch = batch;
}

}  // namespace ofa::runtime
