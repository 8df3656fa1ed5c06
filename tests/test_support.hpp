// What the tests share: the data folder, temporary folders, running a tool.
#pragma once
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <cstdio>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include "ofa/common/files.hpp"

namespace ofa::test {

inline std::filesystem::path data_dir() { return common::resolve_data_dir(""); }
inline std::filesystem::path source_dir() { return OFA_SOURCE_DIR; }
// A path quoted for the shell commands the tests run.
inline std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }
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

// Runs `argv` (argv[0] a path), stdout to /dev/null, and sends it SIGINT once `ready` holds
// (given all it said on stderr so far; polled every 10 ms), so the signal lands while the work
// is under way, not after a guessed delay. Returns its exit status (-1 unless it exited) and all
// it wrote on stderr; `said_marker` tells whether `ready` held before the process ended.
struct InterruptedRun {
  int status = -1;
  std::string stderr_text;
  bool said_marker = false;
};
inline InterruptedRun interrupt_once(const std::vector<std::string>& argv, const std::function<bool(const std::string&)>& ready) {
  InterruptedRun r;
  int err[2];
  if (::pipe(err) != 0) return r;
  const pid_t pid = ::fork();
  if (pid < 0) return r;
  if (pid == 0) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (!std::freopen("/dev/null", "w", stdout)) ::_exit(126);
    ::dup2(err[1], 2);
    ::close(err[0]);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(err[1]);
  char buf[4096];
  bool open = true;
  while (open && !(r.said_marker = ready(r.stderr_text))) {
    pollfd p{err[0], POLLIN, 0};
    if (::poll(&p, 1, 10) > 0) {
      const ssize_t n = ::read(err[0], buf, sizeof buf);
      if (n > 0) r.stderr_text.append(buf, static_cast<std::size_t>(n));
      else open = false;  // the process ended (or closed stderr) before `ready`
    }
  }
  if (!r.said_marker) r.said_marker = ready(r.stderr_text);
  ::kill(pid, SIGINT);
  for (ssize_t n; (n = ::read(err[0], buf, sizeof buf)) > 0;) r.stderr_text.append(buf, static_cast<std::size_t>(n));  // drain
  ::close(err[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}
// The common case: interrupt once stderr has said `marker`.
inline InterruptedRun interrupt_when(const std::vector<std::string>& argv, const std::string& marker) {
  return interrupt_once(argv, [&](const std::string& said) { return said.find(marker) != std::string::npos; });
}

inline void write_text(const std::filesystem::path& p, const std::string& text) { common::write_file_atomic(p, text); }

}  // namespace ofa::test
