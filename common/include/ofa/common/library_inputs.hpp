// The files a library's levels are built from, which no command reading the library may overwrite.
#pragma once
#include <filesystem>
#include <optional>
#include <vector>

#include "ofa/common/library_file.hpp"
#include "ofa/common/named_inputs.hpp"

namespace ofa::common {

// The library file itself, its weights (`weights` when given, as --weights overrides them, else
// the library's own unless "random") and every level's BN file, resolved as the runtime
// resolves them (relative to the library's folder).
std::vector<NamedInput> library_inputs(const LibraryFile& library, const std::filesystem::path& library_file,
                                       const std::optional<std::filesystem::path>& weights);

}  // namespace ofa::common
