// The tools' command tables as the tests see them: ofa-measure's and ofa-runtime's need LibTorch,
// so a build without it (the sanitizer lane) has only ofa-search's.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ofa/cli/arg_parser.hpp"
#include "ofa/cli/command.hpp"

namespace ofa::test {

std::vector<const cli::Tool*> built_tools();
// The tool named `name`; std::logic_error when this build lacks it.
const cli::Tool& tool_named(std::string_view name);
// Whether this build has ofa-measure and ofa-runtime.
bool runtime_tools_built();
// The arguments that give a command its required options, with harmless values.
std::vector<std::string> required_args(const cli::CommandSpec& command);
inline cli::ParseResult parse_tool(std::string_view tool, std::span<const std::string> args) {
  return cli::parse_command_line(tool_named(tool), args);
}

}  // namespace ofa::test
