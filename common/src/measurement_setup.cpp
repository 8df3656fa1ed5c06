#include "ofa/common/measurement_setup.hpp"

#include "ofa/common/candidates_file.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/limits.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

std::string format_setup_yaml(const MeasurementSetup& f) {
  std::string s;
  s += "space: " + f.space + "\n";
  s += std::string("elastic_kernel: ") + (f.elastic_kernel ? "true" : "false") + "\n";
  s += "profile_name: " + yaml_quoted(f.profile_name) + "\n";
  s += "device: " + yaml_quoted(f.device) + "\n";
  s += "engine: " + f.engine + "\n";
  if (f.ort_provider != "cpu") s += "ort_provider: " + f.ort_provider + "\n";  // only where ONNX Runtime ran off the CPU
  s += std::string("allow_tf32: ") + (f.allow_tf32 ? "true" : "false") + "\n";
  s += "machine: " + yaml_quoted(f.machine) + "\n";
  s += "libtorch: " + yaml_quoted(f.libtorch) + "\n";
  s += "threads: " + std::to_string(f.threads) + "\n";
  s += "batch: " + std::to_string(f.batch) + "\n";
  s += "weights: " + yaml_quoted(f.weights) + "\n";
  return s;
}

MeasurementSetup read_setup_yaml(const YAML::Node& root, const std::string& where, bool threads_and_batch_required) {
  MeasurementSetup f;
  auto str = [&](const char* key) { return required_string(root, key, where); };
  auto num = [&](const char* key, int absent) {
    if (threads_and_batch_required) return required_int(root, key, where);
    return root[key] ? yaml_int(root[key], where + ": key '" + key + "'") : absent;
  };
  f.space = str("space");
  f.elastic_kernel = root["elastic_kernel"] && yaml_bool(root["elastic_kernel"], where + ": key 'elastic_kernel'");
  f.profile_name = str("profile_name");
  f.device = str("device");
  f.engine = read_engine_key(root, where);
  if (root["ort_provider"]) {
    f.ort_provider = yaml_string(root["ort_provider"], where + ": key 'ort_provider'");
    if (f.ort_provider != "cpu" && f.ort_provider != "cuda" && f.ort_provider != "tensorrt")
      throw Error(where + ": key 'ort_provider' = '" + f.ort_provider + "' is not cpu, cuda or tensorrt");
  }
  f.allow_tf32 = !root["allow_tf32"] || yaml_bool(root["allow_tf32"], where + ": key 'allow_tf32'");
  f.machine = str("machine");
  f.libtorch = str("libtorch");
  f.threads = num("threads", 0);
  f.batch = num("batch", 1);
  f.weights = str("weights");
  // A count that cannot run here, or a device that does not exist, is refused on reading,
  // before a runtime starts a thousand threads or allocates a batch that does not fit.
  if (f.threads < 0 || f.threads > kMaxThreads)
    throw Error(where + ": key 'threads' = " + std::to_string(f.threads) + " is not a thread count in [0, " + std::to_string(kMaxThreads) + "]");
  if (f.batch < 1 || f.batch > kMaxBatch)
    throw Error(where + ": key 'batch' = " + std::to_string(f.batch) + " is not a batch size in [1, " + std::to_string(kMaxBatch) + "]");
  if (!is_device_name(f.device)) throw Error(where + ": key 'device' = '" + f.device + "' is not cpu, cuda or cuda:N");
  if (f.ort_provider != "cpu" && f.device.rfind("cuda", 0) != 0)
    throw Error(where + ": key 'ort_provider' = '" + f.ort_provider + "' runs on a GPU, and key 'device' is '" + f.device + "'");
  return f;
}

bool is_device_name(const std::string& device) {
  // What LibTorch's Device::str() writes: cpu, cuda, or either with an index.
  auto indexed = [&](const std::string& kind) {
    const std::size_t n = kind.size() + 1;
    return device.rfind(kind + ":", 0) == 0 && device.size() > n && device.size() <= n + 3 &&
           device.find_first_not_of("0123456789", n) == std::string::npos;
  };
  return device == "cpu" || device == "cuda" || indexed("cpu") || indexed("cuda");
}

}  // namespace ofa::common
