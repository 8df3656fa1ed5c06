#include "ofa/cli/interrupts.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <string>

namespace ofa::cli {

namespace {

std::atomic<bool> interrupt_requested{false};
// The line the handler writes, made before the handler is installed (write(2) is all a signal
// handler may call).
char said[256];
std::size_t said_length = 0;

extern "C" void on_sigint(int) {
  interrupt_requested.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
  if (said_length > 0) {
    const ssize_t n = ::write(2, said, said_length);  // best effort: nothing to do if it fails
    (void)n;
  }
}

}  // namespace

const std::atomic<bool>& interrupt_flag() { return interrupt_requested; }

void catch_interrupts(std::string_view tool) {
  const std::string line = tool.empty() ? std::string() : std::string(tool) + ": stopping at the next safe point (Ctrl-C again stops at once)\n";
  said_length = std::min(line.size(), sizeof said);
  std::memcpy(said, line.data(), said_length);
  std::signal(SIGINT, on_sigint);
}

}  // namespace ofa::cli
