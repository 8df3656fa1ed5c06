// Before a command starts: its outputs checked against its inputs and each other, so no output overwrites an input.
#pragma once
#include <filesystem>

#include "ofa/cli/parsed_args.hpp"

namespace ofa::cli {

// Error (one line naming the flags and the path) when
//  - an input file option names a folder;
//  - an output exists and is not a regular file (a device, a pipe) or, for a folder output,
//    not a folder;
//  - an output is the same file as an input or another output (after resolving links);
//  - a folder output (replaced whole) is, or holds, an input, the current folder or a folder
//    above it.
// `cwd` is the folder relative paths are resolved against.
void check_outputs(const ParsedArgs& args, const std::filesystem::path& cwd);


}  // namespace ofa::cli
