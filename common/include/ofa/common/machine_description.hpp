// The machine a figure was measured on, as files record it and benchmarks print it.
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace ofa::common {

using CpuinfoFields = std::map<std::string, std::string>;
// The first processor's fields of a /proc/cpuinfo text, by name.
CpuinfoFields parse_cpuinfo(std::string_view text);
// /proc/cpuinfo's first processor (empty where there is no such file).
CpuinfoFields cpuinfo_fields();
// The CPU's name: x86's "model name"; on aarch64, whose cpuinfo has none, the core named from
// its implementer and part ("NVIDIA Carmel" on a Jetson Xavier, "Arm Cortex-A78AE" on an Orin),
// else "CPU implementer 0x.. part 0x..". "unknown CPU" where nothing says.
std::string cpu_model_name(const CpuinfoFields& fields);
std::string cpu_model_name();
// "host, CPU model, N cores": a measured file's and a library's `machine`.
std::string machine_description();
// machine_description() and the kernel: "host, AMD EPYC, 2 cores, Linux 6.1.0-...".
std::string host_description();

}  // namespace ofa::common
