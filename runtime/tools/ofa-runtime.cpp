// ofa-runtime: run OFA subnets in LibTorch. Its commands and their flags are declared in
// runtime_tool.cpp; the option meanings in common/cli/src/option_table.cpp.
#include "ofa/cli/tool_main.hpp"
#include "runtime/tools/runtime_tool.hpp"

int main(int argc, char** argv) { return ofa::cli::tool_main(ofa::tools::runtime_tool(), argc, argv); }
