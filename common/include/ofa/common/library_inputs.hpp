// The files a library's levels are built from, which no command reading the library may overwrite.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/library_file.hpp"

namespace ofa::common {

// An input file and how a message names it ("the library's weights", "level 2's BN file").
struct NamedInput {
  std::string what;
  std::filesystem::path path;
};

// The library file itself, its weights (`weights` when given, as --weights overrides them, else
// the library's own unless "random") and every level's BN file, resolved as the runtime
// resolves them (relative to the library's folder).
std::vector<NamedInput> library_inputs(const LibraryFile& library, const std::filesystem::path& library_file,
                                       const std::optional<std::filesystem::path>& weights);

// Error unless the output file `out` (given as `flag`) is none of `inputs` (the same file after
// resolving links, or the same path when neither exists yet).
void check_output_spares_inputs(const std::string& flag, const std::filesystem::path& out, const std::vector<NamedInput>& inputs);

// Error when the output folder `out` (replaced whole) is or holds one of `inputs`.
void check_folder_spares_inputs(const std::string& flag, const std::filesystem::path& out, const std::vector<NamedInput>& inputs);

}  // namespace ofa::common
