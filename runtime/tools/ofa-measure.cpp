// ofa-measure: measure subnets on a device, and build a device's latency table and model. Its
// commands and their flags are declared in measure_tool.cpp; the option meanings in
// common/cli/src/option_table.cpp.
#include "ofa/cli/tool_main.hpp"
#include "runtime/tools/measure_tool.hpp"

int main(int argc, char** argv) { return ofa::cli::tool_main(ofa::tools::measure_tool(), argc, argv); }
