#include "ofa/cli/tool_main.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ofa/cli/arg_parser.hpp"
#include "ofa/cli/output_checks.hpp"
#include "ofa/common/error.hpp"
#include "ofa/cli/progress_bar.hpp"
#include "ofa/cli/interrupts.hpp"

namespace ofa::cli {

using common::Error;
using common::Reporter;
using common::first_line;

namespace {

// One bar at a time: a new task, a note or the end of a task finishes the bar drawn before it,
// so a note never lands in the middle of a bar's line.
struct TerminalState {
  std::mutex mutex;
  std::string task;
  std::optional<ProgressBar> bar;
  bool quiet = false;
  void end_bar() {
    if (bar) bar->finish();
    bar.reset();
    task.clear();
  }
};

int fail(std::string_view tool, const std::string& message) {
  std::fprintf(stderr, "%.*s: error: %s\n", static_cast<int>(tool.size()), tool.data(), message.c_str());
  return 2;
}

}  // namespace

Reporter terminal_reporter(bool quiet) {
  auto state = std::make_shared<TerminalState>();
  state->quiet = quiet;
  return Reporter(
      [state](std::string_view task, double fraction, std::string_view label) {
        std::lock_guard lock(state->mutex);
        if (state->quiet) return;
        if (state->task != task) {
          state->end_bar();
          state->task = std::string(task);
          state->bar.emplace(state->task, ProgressBar::stderr_is_terminal());
        }
        if (fraction >= 1.0) {
          state->bar->update(1.0, std::string(label));
          state->end_bar();
        } else {
          state->bar->update(fraction, std::string(label));
        }
      },
      [state](std::string_view line, bool always) {
        std::lock_guard lock(state->mutex);
        if (state->quiet && !always) return;
        state->end_bar();
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
      },
      common::CancelFlag(interrupt_flag()));
}

namespace {

int interrupted(const Tool& tool, const Command& command, bool finished) {
  // A command that returned ran to its end (Ctrl-C came after its last check, or it does not
  // poll the flag, which kept the signal from killing it halfway through a write): what it
  // wrote is whole. Only `run` returns on purpose after stopping early, with its own note.
  const std::string_view note = finished && !command.returns_when_stopped ? "it ran to its end first: its outputs are whole"
                                : command.interrupted_note.empty()          ? tool.interrupted_note
                                                                            : command.interrupted_note;
  std::fprintf(stderr, "%.*s: interrupted; %.*s\n", static_cast<int>(tool.name.size()), tool.name.data(), static_cast<int>(note.size()),
               note.data());
  return 130;
}

// Runs the command and prints what it returns on stdout; an exception becomes one line and exit
// 2. After Ctrl-C: the tool's (or the command's) note and exit 130, also when the command
// stopped early and still returned what it did (run writes and prints what it served).
int run_command(const Tool& tool, const Command& command, const ParsedArgs& args, const Reporter& reporter) {
  try {
    const std::string out = command.run(args, reporter);
    std::cout << out;
    if (!out.empty() && out.back() != '\n') std::cout << '\n';
    return interrupt_flag().load() ? interrupted(tool, command, true) : 0;
  } catch (const std::exception& e) {
    if (interrupt_flag().load()) return interrupted(tool, command, false);
    return fail(tool.name, first_line(e.what()));
  }
}

}  // namespace

int tool_main(const Tool& tool, int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  ParseResult parsed;
  try {
    parsed = parse_command_line(tool, args);
    if (!parsed.tool_help && parsed.help.empty()) check_outputs(parsed.args, std::filesystem::current_path());
  } catch (const Error& e) {
    return fail(tool.name, first_line(e.what()));
  }
  if (parsed.tool_help && args.empty()) {  // nothing asked: a usage error, the help says what to ask
    std::cerr << tool_help(tool);
    return 2;
  }
  if (parsed.tool_help || !parsed.help.empty()) {
    std::cout << (parsed.tool_help ? tool_help(tool) : parsed.help);
    std::cout.flush();
    return std::cout ? 0 : fail(tool.name, "could not write to standard output");
  }
  const CommandSpec& spec = parsed.args.command();
  const Command& command = *tool.find(spec.name);
  bool quiet = false;
  for (const CommandOption& o : spec.options)
    if (o.name == "--quiet") quiet = parsed.args.has("--quiet");
  if (tool.start) tool.start();
  // Every command: one killed by SIGINT halfway through a write would leave temporary files (and
  // the folders made for them) behind. Those that poll the flag stop early; the others finish.
  catch_interrupts(tool.name);
  const int status = run_command(tool, command, parsed.args, terminal_reporter(quiet));
  // Results that never reached stdout (a full disk, a closed pipe) are a failure, not a success.
  std::cout.flush();
  if (status == 0 && (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout))) return fail(tool.name, "could not write to standard output");
  return status;
}

}  // namespace ofa::cli
