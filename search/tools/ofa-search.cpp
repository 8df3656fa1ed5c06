// ofa-search: search and score OFA subnets for a device profile. Its commands and their flags
// are declared in search_tool.cpp; the option meanings in common/cli/src/option_table.cpp.
#include "ofa/cli/tool_main.hpp"
#include "search/tools/search_tool.hpp"

int main(int argc, char** argv) { return ofa::cli::tool_main(ofa::tools::search_tool(), argc, argv); }
