#include "ofa/cli/interrupts.hpp"

#include <csignal>

namespace ofa::cli {

namespace {

std::atomic<bool> interrupt_requested{false};

extern "C" void on_sigint(int) {
  interrupt_requested.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

}  // namespace

const std::atomic<bool>& interrupt_flag() { return interrupt_requested; }

void catch_interrupts() { std::signal(SIGINT, on_sigint); }

}  // namespace ofa::cli
