// Inputs a command reads through other files (a library's weights, a measured file's BN files),
// and the checks that no output of the command is one of them.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace ofa::common {

// An input file and how a message names it ("the library's weights", "level 2's BN file").
struct NamedInput {
  std::string what;
  std::filesystem::path path;
};

// Error unless the output file `out` (given as `flag`) is none of `inputs` (the same file after
// resolving links, or the same path when either does not exist yet). Empty paths are skipped.
// The error ends "choose another <flag>", or `remedy` for an output another flag implies (the
// BN files beside --out).
void check_output_spares_inputs(const std::string& flag, const std::filesystem::path& out, const std::vector<NamedInput>& inputs,
                                 const std::string& remedy = "");

// Error when the output folder `out` (replaced whole) is or holds one of `inputs`.
void check_folder_spares_inputs(const std::string& flag, const std::filesystem::path& out, const std::vector<NamedInput>& inputs);

}  // namespace ofa::common
