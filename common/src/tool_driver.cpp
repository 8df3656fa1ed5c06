#include "ofa/common/tool_driver.hpp"

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include "ofa/common/error.hpp"

namespace ofa::common {

namespace {

std::atomic<bool> interrupt_requested{false};

extern "C" void on_sigint(int) {
  interrupt_requested.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}


}  // namespace

const std::atomic<bool>& interrupt_flag() { return interrupt_requested; }

void catch_interrupts() { std::signal(SIGINT, on_sigint); }

int run_tool(std::string_view tool, std::string_view interrupted_note, const std::function<void()>& command) {
  try {
    command();
    return 0;
  } catch (const std::exception& e) {
    if (interrupt_requested.load()) {
      std::fprintf(stderr, "%.*s: interrupted; %.*s\n", static_cast<int>(tool.size()), tool.data(),
                   static_cast<int>(interrupted_note.size()), interrupted_note.data());
      return 130;
    }
    std::fprintf(stderr, "%.*s: error: %s\n", static_cast<int>(tool.size()), tool.data(), first_line(e.what()).c_str());
    return 2;
  }
}

}  // namespace ofa::common
