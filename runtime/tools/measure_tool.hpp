// ofa-measure's commands as its command line declares them (the tool's own library).
#pragma once
#include "ofa/cli/command.hpp"

namespace ofa::tools {

// latency, lut, bn, calibrate, accuracy, latency-model: each flag bound to the field of the
// command's options it fills (runtime/commands/*_command.hpp hold the defaults).
const cli::Tool& measure_tool();

}  // namespace ofa::tools
