// A program run as a child process with a time limit: its output captured, how it ended named.
// Used where work may crash the process that does it (an engine checked on a new machine): a
// signal in the child is a verdict for the parent, never the parent's death.
#pragma once
#include <string>
#include <vector>

namespace ofa::common {

struct ChildResult {
  bool started = false;     // false: the program could not be run (`error` says why)
  int exit_code = -1;       // when it exited
  int signal = 0;           // when a signal ended it (0: it exited)
  bool timed_out = false;   // killed (SIGKILL) at the time limit
  std::string out, err;     // what it wrote on stdout and stderr (each capped at 1 MiB)
  std::string error;        // why it could not be started (or waited for)
  double seconds = 0;       // wall time, start to end

  bool ok() const { return started && error.empty() && !timed_out && signal == 0 && exit_code == 0; }
  // "exited with 3", "died of SIGFPE (Floating point exception)", "ran past the 60 s limit", "could not start: ..."
  std::string how_it_ended(double timeout_s) const;
};

// Runs argv[0] (a path, not searched in PATH) with argv and the parent's environment plus
// `extra_env` ("NAME=value"), stdin from /dev/null, in a process group of its own with default
// signal handling; waits at most `timeout_s`, then kills the group.
// Never throws for the child's behaviour; throws Error only for an empty argv.
ChildResult run_child(const std::vector<std::string>& argv, double timeout_s, const std::vector<std::string>& extra_env = {});

// "SIGFPE" for 8, "signal 77" for one without a name here.
std::string signal_name(int signal);

}  // namespace ofa::common
