#include "ofa/common/machine_description.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace ofa::common {

CpuinfoFields parse_cpuinfo(std::string_view text) {
  CpuinfoFields fields;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) break;  // the end of the first processor's block
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    key.erase(key.find_last_not_of(" \t") + 1);
    fields.emplace(key, colon + 2 <= line.size() ? line.substr(colon + 2) : "");
  }
  return fields;
}

CpuinfoFields cpuinfo_fields() {
  // The first processor's block only: the file is long on a many-core machine.
  std::ifstream f("/proc/cpuinfo");
  std::string text;
  for (std::string line; std::getline(f, line) && !line.empty();) text += line + "\n";
  return parse_cpuinfo(text);
}

namespace {

// The aarch64 cores a Jetson has (Carmel: Xavier; Cortex-A78AE: Orin; Cortex-A57: Nano, TX2)
// and those of common aarch64 servers; others are named by their numbers.
std::string arm_core_name(std::string_view implementer, std::string_view part) {
  struct Core {
    std::string_view implementer, part, name;
  };
  static constexpr Core cores[] = {
      {"0x4e", "0x004", "NVIDIA Carmel"},        {"0x4e", "0x003", "NVIDIA Denver 2"},
      {"0x41", "0xd07", "Arm Cortex-A57"},       {"0x41", "0xd08", "Arm Cortex-A72"},
      {"0x41", "0xd0b", "Arm Cortex-A76"},       {"0x41", "0xd42", "Arm Cortex-A78AE"},
      {"0x41", "0xd0c", "Arm Neoverse-N1"},      {"0x41", "0xd40", "Arm Neoverse-V1"},
      {"0x41", "0xd49", "Arm Neoverse-N2"},      {"0x41", "0xd4f", "Arm Neoverse-V2"},
  };
  for (const Core& c : cores) {
    if (c.implementer == implementer && c.part == part) return std::string(c.name);
  }
  return "CPU implementer " + std::string(implementer) + " part " + std::string(part);
}

}  // namespace

std::string cpu_model_name(const CpuinfoFields& fields) {
  auto get = [&fields](const char* key) {
    const auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
  };
  // Before "model name": a Jetson's L4T kernel gives aarch64 one that names no core
  // ("ARMv8 Processor rev 0 (v8l)").
  if (!get("CPU implementer").empty()) return arm_core_name(get("CPU implementer"), get("CPU part"));
  if (!get("model name").empty()) return get("model name");
  return "unknown CPU";
}

std::string cpu_model_name() { return cpu_model_name(cpuinfo_fields()); }

std::string machine_description() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ", " + cpu_model_name() + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores";
}

std::string host_description() {
  struct utsname u {};
  const std::string kernel = ::uname(&u) == 0 ? std::string(u.sysname) + " " + u.release + " " + u.machine : "unknown kernel";
  return machine_description() + ", " + kernel;
}

}  // namespace ofa::common
