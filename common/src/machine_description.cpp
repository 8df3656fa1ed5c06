#include "ofa/common/machine_description.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace ofa::common {

std::map<std::string, std::string> cpuinfo_fields() {
  std::map<std::string, std::string> fields;
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);) {
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    key.erase(key.find_last_not_of(" \t") + 1);
    fields.emplace(key, colon + 2 <= line.size() ? line.substr(colon + 2) : "");
  }
  return fields;
}

std::string cpu_model_name() {
  const auto f = cpuinfo_fields();
  const auto it = f.find("model name");
  return it == f.end() || it->second.empty() ? "unknown CPU" : it->second;
}

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
