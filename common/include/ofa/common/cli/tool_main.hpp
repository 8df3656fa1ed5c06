// What every tool's main does: parse against the option table, run one command, report errors.
#pragma once
#include <functional>
#include <span>
#include <string_view>

#include "ofa/common/cli/parsed_args.hpp"
#include "ofa/common/reporter.hpp"

namespace ofa::common::cli {

struct CommandRun {
  std::string_view name;  // as in the command table ("" for a tool's unnamed command)
  // Runs the command; results go to stdout or files, anything else through the reporter.
  std::function<void(const ParsedArgs&, const Reporter&)> run;
  // Whether the command polls interrupt_flag() between items and stops cleanly on Ctrl-C;
  // the others end at once on Ctrl-C (they write their outputs atomically, so nothing half-written stays).
  bool stops_on_interrupt = false;
  // What Ctrl-C leaves, said after "interrupted; " when it differs from the tool's note (a
  // command without --resume keeps nothing).
  std::string_view interrupted_note = {};
};

// The process's main: parses argv against the option table (--help prints the tool's or a
// command's help), runs the command named, and returns the exit status: 0; 2 with one line
// "<tool>: error: <message>" on stderr for bad input, a failed command, or stdout that could not
// be written; 130 with "<tool>: interrupted; <interrupted_note>" after Ctrl-C.
int tool_main(std::string_view tool, std::string_view about, std::string_view interrupted_note, int argc, char** argv,
              std::span<const CommandRun> commands);

// A Reporter drawing a progress bar on stderr (when it is a terminal) and writing notes there;
// with `quiet`, only the lines said with Reporter::say.
Reporter terminal_reporter(bool quiet);

}  // namespace ofa::common::cli
