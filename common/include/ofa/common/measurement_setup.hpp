// Where and how a set of latencies was measured: the provenance a measured file and a library share.
#pragma once
#include <string>

// Declared, not included: the runtime's public headers reach this one, and an application of
// the installed package needs no yaml-cpp.
namespace YAML {
class Node;
}

namespace ofa::common {

// One type, so the measured file and the library built from it declare, read, write and copy
// these fields in one place (a library is `static_cast<MeasurementSetup&>(lib) = measured`).
struct MeasurementSetup {
  std::string space;
  bool elastic_kernel = false;
  std::string profile_name;
  std::string device;            // the device the latencies were measured on
  std::string engine = "eager";  // how the networks ran: eager | optimized | onnxruntime | auto (each row/level names its own); files before the key: eager
  std::string ort_provider = "cpu";  // ONNX Runtime's execution provider (written only when not cpu)
  bool allow_tf32 = true;        // TF32 allowed on CUDA (files before the key: LibTorch's default, allowed)
  std::string machine;
  std::string libtorch;
  int threads = 0, batch = 1;
  std::string weights;  // "random" or the supernet file the measurement used
};

// The fields as YAML lines ("space: ...\n" ...), in the order both formats write them.
std::string format_setup_yaml(const MeasurementSetup& setup);

// Reads the fields from a file's root mapping. `threads` and `batch` are required in measured
// files and optional (0 and 1) in libraries; every other key is required, except
// elastic_kernel, engine, ort_provider and allow_tf32, which files older than those keys lack.
// Whether `device` is cpu, cuda, or either with an index (what LibTorch's Device::str() writes).
bool is_device_name(const std::string& device);

MeasurementSetup read_setup_yaml(const YAML::Node& root, const std::string& where, bool threads_and_batch_required);

}  // namespace ofa::common
