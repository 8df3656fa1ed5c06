#include "ofa/common/cli/tool_main.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/cli/arg_parser.hpp"
#include "ofa/common/cli/output_checks.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/progress_bar.hpp"
#include "ofa/common/tool_driver.hpp"

namespace ofa::common::cli {

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
      });
}

int tool_main(std::string_view tool, std::string_view about, std::string_view interrupted_note, int argc, char** argv,
              std::span<const CommandRun> commands) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  ParseResult parsed;
  try {
    parsed = parse_command_line(tool, args);
    if (!parsed.tool_help && parsed.help.empty()) check_outputs(parsed.args, std::filesystem::current_path());
  } catch (const Error& e) {
    return fail(tool, e.what());
  }
  if (parsed.tool_help && args.empty()) {  // nothing asked: a usage error, the help says what to ask
    std::cerr << tool_help(tool, about);
    return 2;
  }
  if (parsed.tool_help || !parsed.help.empty()) {
    std::cout << (parsed.tool_help ? tool_help(tool, about) : parsed.help);
    std::cout.flush();
    return std::cout ? 0 : fail(tool, "could not write to standard output");
  }
  const CommandSpec& spec = parsed.args.command();
  const CommandRun* run = nullptr;
  for (const CommandRun& c : commands)
    if (c.name == spec.name) run = &c;
  if (!run) return fail(tool, "command '" + std::string(spec.name) + "' is not built into this tool");
  bool quiet = false;
  for (const CommandOption& o : spec.options)
    if (o.name == "--quiet") quiet = parsed.args.has("--quiet");
  const Reporter reporter = terminal_reporter(quiet);
  if (run->stops_on_interrupt) catch_interrupts();
  const std::string_view note = run->interrupted_note.empty() ? interrupted_note : run->interrupted_note;
  const int status = run_tool(tool, note, [&] { run->run(parsed.args, reporter); });
  // Results that never reached stdout (a full disk, a closed pipe) are a failure, not a success.
  std::cout.flush();
  if (status == 0 && (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout))) return fail(tool, "could not write to standard output");
  return status;
}

}  // namespace ofa::common::cli
