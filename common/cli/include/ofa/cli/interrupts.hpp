// The process's Ctrl-C flag, set by the tools' driver and polled by long commands.
#pragma once
#include <atomic>
#include <string_view>

namespace ofa::cli {

// The process's one piece of global state: set by the first Ctrl-C once `catch_interrupts`
// has run, polled by long commands between items (through the Reporter's cancel flag); a second
// Ctrl-C ends the process at once.
const std::atomic<bool>& interrupt_flag();
// From now on the first Ctrl-C sets the flag and says on stderr "<tool>: stopping at the next
// safe point (Ctrl-C again stops at once)"; the second ends the process.
void catch_interrupts(std::string_view tool = {});

}  // namespace ofa::cli
