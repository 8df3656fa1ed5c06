// The process's Ctrl-C flag, set by the tools' driver and polled by long commands.
#pragma once
#include <atomic>

namespace ofa::cli {

// The process's one piece of global state: set by the first Ctrl-C once `catch_interrupts`
// has run, polled by long commands between items (through their options' `cancel`); a second
// Ctrl-C ends the process at once.
const std::atomic<bool>& interrupt_flag();
void catch_interrupts();

}  // namespace ofa::cli
