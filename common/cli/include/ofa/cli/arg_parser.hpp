// Parses a tool's command line against the option table: the command, its checked values, or --help.
#pragma once
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ofa/cli/parsed_args.hpp"

namespace ofa::cli {

struct Tool;  // command.hpp

struct ParseResult {
  ParsedArgs args;   // valid unless help is set
  std::string help;  // a command's help text when --help (or -h) was asked after its name
  bool tool_help = false;  // --help (or nothing) without a command: the tool's help is wanted
};

// `args` excludes the program name. The first argument names the command (a tool whose
// table has a command named "" runs that one when the first argument is an option). Options
// are `--name value` or `--name=value`; a flag takes no value. Throws common::Error with one
// line naming the flag and the value at fault for an unknown command or option, an option
// given twice, a missing or bad value, a missing required option, or two exclusive options.
ParseResult parse_command_line(const Tool& tool, std::span<const std::string> args);

// What --help prints: the tool's commands, or one command with every option it takes.
std::string tool_help(const Tool& tool);
std::string command_help(const CommandSpec& command);

// An option whose hint ends in "..." (`--data FILE...`) takes one or more values: the bare
// arguments after it, joined with kValueSeparator in its one value; split_values parts them.
inline constexpr char kValueSeparator = '\n';
bool takes_several(const OptionSpec& option);
std::vector<std::string> split_values(const std::string& value);
// The same, as paths (`--data FILE...`, `merge PART...`).
std::vector<std::filesystem::path> split_paths(const std::string& value);

// The value's check, as the parser applies it; Error("--name: 'value' is not ...") otherwise.
void check_value(const OptionSpec& option, const std::string& value);

}  // namespace ofa::cli
