// ofa-search's commands as its command line declares them (the tool's own library).
#pragma once
#include "ofa/cli/command.hpp"

namespace ofa::tools {

// search, predict, pareto, import-dynamic-ofa, train-predictor: each flag bound to the field of
// the command's options it fills (search/commands/*_command.hpp hold the defaults).
const cli::Tool& search_tool();

}  // namespace ofa::tools
