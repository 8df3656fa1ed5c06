// The files a library or a measured file names (weights, BN files), which no command reading it may overwrite.
#pragma once
#include <filesystem>
#include <optional>
#include <vector>

#include "ofa/common/library_file.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/common/named_inputs.hpp"

namespace ofa::common {

// The library file itself, its weights (`weights` when given, as --weights overrides them, else
// the library's own unless "random") and every level's BN file, resolved as the runtime
// resolves them (relative to the library's folder).
std::vector<NamedInput> library_inputs(const LibraryFile& library, const std::filesystem::path& library_file,
                                       const std::optional<std::filesystem::path>& weights);

// The files a measured file names, which a command reading it (or reading another file that
// names them: train-predictor's --data) must not overwrite: its weights unless "random", and
// every row's BN file, resolved relative to the measured file's folder.
std::vector<NamedInput> measured_inputs(const MeasuredFile& measured, const std::filesystem::path& measured_file);

// Error naming `what` unless `file` holds a BN file: a state_dict of BatchNorm statistics only
// (`<name>.running_mean` and `<name>.running_var`, 1-D, in pairs), as ofa-measure bn and
// accuracy write them and Dynamic-OFA's import makes them.
void check_bn_file(const std::filesystem::path& file, const std::string& what);

}  // namespace ofa::common
