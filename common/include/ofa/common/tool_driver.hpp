// The process-wide Ctrl-C flag and the error-to-exit-status wrapper the tools' driver runs commands in.
#pragma once
#include <atomic>
#include <functional>
#include <string_view>

namespace ofa::common {

// What every tool's main does around its command, in one place (llama.cpp's common/ and
// LLVM's tools share theirs the same way).

// The process's one piece of global state: set by the first Ctrl-C once `catch_interrupts`
// has run, polled by long commands between items; a second Ctrl-C ends the process at once.
const std::atomic<bool>& interrupt_flag();
void catch_interrupts();

// Runs a tool's command. An exception becomes one line "<tool>: error: <message>" on stderr
// and exit 2; after Ctrl-C it becomes "<tool>: interrupted; <interrupted_note>" and exit 130.
// A command that returns normally exits 0 (one that stops early on Ctrl-C and still writes
// its outputs, as `ofa-runtime run` does, returns normally).
int run_tool(std::string_view tool, std::string_view interrupted_note, const std::function<void()>& command);

}  // namespace ofa::common
