#include "ofa/common/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <utility>

#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"

extern char** environ;

namespace ofa::common {

namespace {

constexpr std::size_t kCaptureLimit = 1 << 20;

// Closes a descriptor once (pipes are closed as soon as they are done with).
struct Fd {
  int fd = -1;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// The spawn's arguments as C strings, kept alive for the call.
std::vector<char*> c_strings(std::vector<std::string>& s) {
  std::vector<char*> p;
  for (auto& x : s) p.push_back(x.data());
  p.push_back(nullptr);
  return p;
}

// Reads what is ready on `fd` into `sink`; false at end of file (or an error).
bool drain(int fd, std::string& sink) {
  std::array<char, 4096> buf{};
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  if (sink.size() < kCaptureLimit) sink.append(buf.data(), std::min<std::size_t>(static_cast<std::size_t>(n), kCaptureLimit - sink.size()));
  return true;
}

// Collects both pipes until they close or the deadline passes; true if it passed.
template <class Clock>
bool collect(Fd& out, Fd& err, ChildResult& r, typename Clock::time_point deadline) {
  while (out.fd >= 0 || err.fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return true;
    std::array<pollfd, 2> p{pollfd{out.fd, POLLIN, 0}, pollfd{err.fd, POLLIN, 0}};
    const int ready = ::poll(p.data(), p.size(), static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno != EINTR) return false;
    if (ready <= 0) continue;
    if (p[0].revents && !drain(out.fd, r.out)) out.reset();
    if (p[1].revents && !drain(err.fd, r.err)) err.reset();
  }
  return false;
}

// Starts argv[0] with stdin from /dev/null and stdout/stderr into the pipes' write ends, in a
// process group of its own (Ctrl-C at the terminal reaches the parent, which decides; a kill at
// the limit takes whatever the child started) with default signal handling. 0 or an errno.
int spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env, int out_w, int err_w, pid_t& pid) {
  // posix_spawn reports a program that cannot be executed only where the C library sees the
  // exec fail (glibc since 2.24); under qemu's user-mode emulation (the aarch64 lane) the child
  // runs as a fork and exits 127 instead. A missing or non-executable program is asked about
  // first, so it is said the same way there; one the kernel cannot load still exits 127 there.
  if (::access(argv[0].c_str(), X_OK) != 0) return errno;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w, 1);
  posix_spawn_file_actions_adddup2(&actions, err_w, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args = argv, env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> c_args = c_strings(args), c_env = c_strings(env);
  const int rc = ::posix_spawn(&pid, args[0].c_str(), &actions, &attr, c_args.data(), c_env.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return rc;
}

// Reaps the child once it has ended, or kills its group at the deadline (or at once when
// `r.timed_out` is already set) and reaps it then; sets how it ended.
template <class Clock>
void reap(pid_t pid, typename Clock::time_point deadline, ChildResult& r) {
  int status = 0;
  bool reaped = false;
  while (!r.timed_out) {  // the pipes closed: it is ending, or closed them and runs on
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) reaped = true;
    if (reaped || (w < 0 && errno != EINTR)) break;
    if (Clock::now() >= deadline) r.timed_out = true;
    else ::usleep(2000);
  }
  if (r.timed_out) {
    ::kill(-pid, SIGKILL);
    pid_t w;
    while ((w = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    reaped = w == pid;
  }
  if (!reaped) {  // someone else reaped it (SIGCHLD ignored): how it ended is unknown
    r.error = "could not be waited for (its exit was reaped elsewhere)";
    return;
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
}

}  // namespace

ChildResult run_child(const std::vector<std::string>& argv, double timeout_s, const std::vector<std::string>& extra_env) {
  if (argv.empty()) throw Error("run_child: no program given");
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  ChildResult r;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return r.error = std::strerror(errno), r;
  Fd out{out_pipe[0]}, out_w{out_pipe[1]};
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return r.error = std::strerror(errno), r;
  Fd err{err_pipe[0]}, err_w{err_pipe[1]};
  pid_t pid = 0;
  const int rc = spawn(argv, extra_env, out_w.fd, err_w.fd, pid);
  out_w.reset();
  err_w.reset();
  if (rc != 0) {
    r.error = argv[0] + ": " + std::strerror(rc);
    return r;
  }
  r.started = true;
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  r.timed_out = collect<Clock>(out, err, r, deadline);
  reap<Clock>(pid, deadline, r);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

std::string signal_name(int signal) {
  // Not sigabbrev_np: glibc 2.32 added it, and JetPack 5's Ubuntu 20.04 has glibc 2.31.
  static constexpr std::pair<int, const char*> names[] = {
      {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},   {SIGTRAP, "SIGTRAP"},
      {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},   {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"},
      {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"}, {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"},
      {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"}, {SIGSYS, "SIGSYS"},   {SIGPROF, "SIGPROF"}, {SIGVTALRM, "SIGVTALRM"},
      {SIGIO, "SIGIO"},     {SIGPWR, "SIGPWR"},   {SIGSTKFLT, "SIGSTKFLT"}};
  for (const auto& [number, name] : names) {
    if (number == signal) return name;
  }
  return "signal " + std::to_string(signal);
}

std::string ChildResult::how_it_ended(double timeout_s) const {
  if (!started) return "could not start: " + error;
  if (!error.empty()) return error;
  if (timed_out) return "ran past the " + format_g(timeout_s, 6) + " s limit";
  if (signal != 0) {
    // strsignal's text ("Floating point exception"), as sigdescr_np's, for the signals named
    // above only: for others older glibc writes it into a buffer shared by every thread.
    const std::string name = signal_name(signal);
    const char* what = name.rfind("SIG", 0) == 0 ? ::strsignal(signal) : nullptr;
    return "died of " + name + (what ? std::string(" (") + what + ")" : "");
  }
  return "exited with " + std::to_string(exit_code);
}

}  // namespace ofa::common
