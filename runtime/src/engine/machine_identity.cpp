#include "ofa/runtime/engine/machine_identity.hpp"

#include <dlfcn.h>
#include <sys/auxv.h>
#include <sys/utsname.h>

#include <fstream>
#include <map>

#include <torch/version.h>

#include "ofa/common/machine_description.hpp"
#include "ofa/common/sha256.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"

namespace ofa::runtime {

std::string cpu_identity() {
  const auto f = common::cpuinfo_fields();
  std::string name = common::cpu_model_name(f);
  auto get = [&f](const char* k) {
    const auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  if (!get("cpu family").empty()) name += " (family " + get("cpu family") + ", model " + get("model") + ", stepping " + get("stepping") + ")";
  return name;
}

std::string machine_architecture() {
  struct utsname u {};
  return ::uname(&u) == 0 ? std::string(u.machine) : std::string("unknown");
}

std::string cpu_flags_hash() {
#if defined(__aarch64__)
  // The kernel's hardware capabilities, which /proc/cpuinfo's Features list is written from; under
  // user-mode emulation they are the emulated CPU's (SVE or not), where cpuinfo is the host's.
  const std::string features = std::to_string(::getauxval(AT_HWCAP)) + " " + std::to_string(::getauxval(AT_HWCAP2));
#else
  const auto f = common::cpuinfo_fields();
  const auto it = f.count("flags") ? f.find("flags") : f.find("Features");
  const std::string features = it == f.end() ? "" : it->second;
#endif
  return common::sha256_hex(features).substr(0, 16);
}

std::string onednn_version() {
  // oneDNN's dnnl_version_t begins with these three ints.
  struct Version {
    int major, minor, patch;
  };
  using Fn = const Version* (*)();
  const auto fn = reinterpret_cast<Fn>(::dlsym(RTLD_DEFAULT, "dnnl_version"));
  if (!fn) return "";
  const Version* v = fn();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

std::string engine_stack(bool onnxruntime) {
  if (onnxruntime) return "ONNX Runtime " + onnxruntime_version();
  const std::string dnnl = onednn_version();
  return std::string("LibTorch ") + TORCH_VERSION + (dnnl.empty() ? "" : " with oneDNN " + dnnl);
}

}  // namespace ofa::runtime
