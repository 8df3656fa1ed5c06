// The machine a figure was measured on, as files record it and benchmarks print it.
#pragma once
#include <map>
#include <string>

namespace ofa::common {

// /proc/cpuinfo's first processor: its fields by name (empty where there is no such file).
std::map<std::string, std::string> cpuinfo_fields();
// /proc/cpuinfo's model name ("AMD EPYC"; "unknown CPU" where there is none).
std::string cpu_model_name();
// "host, CPU model, N cores": a measured file's and a library's `machine`.
std::string machine_description();
// machine_description() and the kernel: "host, AMD EPYC, 2 cores, Linux 6.1.0-...".
std::string host_description();

}  // namespace ofa::common
