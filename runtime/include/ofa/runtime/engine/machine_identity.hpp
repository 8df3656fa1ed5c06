// What an engine's answers depend on besides its own code: the CPU and the libraries loaded.
#pragma once
#include <string>

#include "ofa/common/machine_description.hpp"

namespace ofa::runtime {

// The CPU's name ("AMD EPYC", "NVIDIA Carmel"; common/machine_description.hpp).
using common::cpu_model_name;
// The architecture this process runs as, as the kernel says it ("x86_64", "aarch64"): under
// user-mode emulation /proc/cpuinfo is the host's, so the CPU's name alone cannot tell.
std::string machine_architecture();
// This CPU as /proc/cpuinfo names it: "AMD EPYC (family 26, model 2, stepping 1)".
std::string cpu_identity();
// 16 hex digits of the SHA-256 of the CPU's flags (x86) or hardware capabilities (aarch64).
std::string cpu_flags_hash();
// The oneDNN this process runs ("3.7.2", from the loaded library's own dnnl_version()), else "".
std::string onednn_version();
// The libraries an engine's answers come from: "LibTorch 2.6.0 with oneDNN 3.7.2", "ONNX Runtime 1.21.0".
std::string engine_stack(bool onnxruntime);

}  // namespace ofa::runtime
