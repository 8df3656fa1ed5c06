// Files: atomic writes (temp file + rename), reading whole files, and where the data folder is.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ofa::common {

// Writes `content` to a temporary file beside `path` and renames it into place, so a reader
// never sees a half-written file. Creates missing parent folders. `path` goes through
// output_target first.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Where writing `path` lands: the file a symbolic link points to (the link stays), or `path`.
// Error when it exists and is not a regular file (a device such as /dev/full, a folder, a
// pipe): outputs are regular files or new paths, and a rename would replace the node.
std::filesystem::path output_target(const std::filesystem::path& path);

// The whole file, or Error naming it; anything but a regular file (a FIFO, a device, a socket)
// is refused before a byte is read.
std::string read_file(const std::filesystem::path& path);

// The folders `dir` needs that do not exist yet, created outermost first and returned in that
// order, so a caller that fails can take back exactly what it made (remove_created_folders).
std::vector<std::filesystem::path> create_folders(const std::filesystem::path& dir);
// Removes `created` innermost first, each only if empty (what a failed command made and left
// empty; a folder another file landed in stays).
void remove_created_folders(const std::vector<std::filesystem::path>& created);

// Whether `inner` is `outer` or lies below it, comparing components (empty ones, as a trailing
// separator leaves, ignored); resolve both first (weakly_canonical) where links matter.
bool path_within(const std::filesystem::path& inner, const std::filesystem::path& outer);

// The data folder: `flag` (from --data-dir) when not empty, else $OFA_DATA_DIR, else the
// built-in default (../shared/data beside the source tree). Error when the chosen one is
// not a folder, naming where it came from.
std::filesystem::path resolve_data_dir(const std::string& flag);

}  // namespace ofa::common
