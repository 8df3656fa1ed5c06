// What every tool's main does: parse against the tool's commands, run one, print its result, report errors.
#pragma once
#include "ofa/cli/command.hpp"
#include "ofa/common/reporter.hpp"

namespace ofa::cli {

// The process's main: parses argv against the tool's commands (--help prints the tool's or a
// command's help), checks the outputs against the inputs, runs the command named and prints
// what it returns on stdout. Returns the exit status: 0; 2 with one line
// "<tool>: error: <message>" on stderr for bad input, a failed command, or stdout that could not
// be written; 130 with "<tool>: interrupted; <note>" after Ctrl-C.
int tool_main(const Tool& tool, int argc, char** argv);

// A Reporter drawing a progress bar on stderr (when it is a terminal) and writing notes there;
// with `quiet`, only the lines said with Reporter::say. Its cancel flag is the Ctrl-C flag
// (interrupts.hpp).
common::Reporter terminal_reporter(bool quiet);

}  // namespace ofa::cli
