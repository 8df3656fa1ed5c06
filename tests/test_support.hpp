// What the tests share: the data folder, temporary folders, running a tool.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>

#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include "ofa/common/files.hpp"

namespace ofa::test {

inline std::filesystem::path data_dir() { return common::resolve_data_dir(""); }
inline std::filesystem::path source_dir() { return OFA_SOURCE_DIR; }
inline YAML::Node arch_reference() { return YAML::LoadFile((data_dir() / "reference/arch_reference.yaml").string()); }

// A fresh, empty folder under the system temp folder, removed when the object dies.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() /
            ("ofa-test-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

// Runs a shell command, capturing stdout and stderr together.
struct ShellRun {
  int status = 0;
  std::string output;
};
inline ShellRun shell(const std::string& cmd) {
  ShellRun r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return {-1, "popen failed"};
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A tool built by this tree.
inline std::string tool(const char* name) { return std::string(OFA_BIN_DIR) + "/" + name; }

inline void write_text(const std::filesystem::path& p, const std::string& text) { common::write_file_atomic(p, text); }

}  // namespace ofa::test
