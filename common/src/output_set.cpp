#include "ofa/common/output_set.hpp"

#include <fstream>

#include <unistd.h>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

OutputSet::~OutputSet() {
  if (committed_) return;
  for (const auto& [temp, target] : staged_) {
    std::error_code ignore;
    fs::remove(temp, ignore);
  }
  remove_created_folders(created_);
}

void OutputSet::add(const fs::path& path, std::string_view content) {
  const fs::path target = output_target(path);
  if (target.has_parent_path())
    for (fs::path& p : create_folders(target.parent_path())) created_.push_back(std::move(p));
  const fs::path temp = target.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(staged_.size());
  staged_.emplace_back(temp, target);  // registered first, so a failed write is removed too
  std::ofstream f(temp, std::ios::binary | std::ios::trunc);
  if (!f) throw Error(target.string() + ": cannot open for writing");
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  f.close();
  if (!f) throw Error(target.string() + ": write failed (disk full?)");
}

void OutputSet::adopt(const fs::path& temp, const fs::path& path) {
  staged_.emplace_back(temp, path);  // registered first: removed even if the target is refused
  staged_.back().second = output_target(path);
}

void OutputSet::commit() {
  // Every target checked again just before the renames, so what changed since staging fails
  // before anything is replaced; a rename failing after others succeeded (which a rename
  // within one folder does not do short of an I/O error) leaves the earlier ones in place.
  for (const auto& [temp, target] : staged_) output_target(target);
  for (const auto& [temp, target] : staged_) {
    std::error_code ec;
    fs::rename(temp, target, ec);
    if (ec) throw Error(target.string() + ": cannot rename temporary file into place: " + ec.message());
  }
  committed_ = true;
}

}  // namespace ofa::common
