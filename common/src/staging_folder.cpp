#include "ofa/common/staging_folder.hpp"

#include <unistd.h>

#include "ofa/common/error.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

StagingFolder::StagingFolder(const fs::path& out_dir, bool force) {
  std::error_code ec;
  out_ = out_dir.has_filename() ? out_dir : out_dir.parent_path();
  if (fs::exists(out_, ec)) {
    if (!fs::is_directory(out_, ec)) throw Error(out_.string() + ": exists and is not a folder");
    if (!fs::is_empty(out_, ec) && !force) throw Error(out_.string() + ": folder exists and is not empty (use --force to replace it)");
  }
  const fs::path parent = out_.has_parent_path() ? out_.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  tmp_ = parent / ("." + out_.filename().string() + ".tmp." + std::to_string(::getpid()));
  fs::remove_all(tmp_, ec);
  if (!fs::create_directory(tmp_, ec)) throw Error(tmp_.string() + ": cannot create the folder: " + ec.message());
}

StagingFolder::~StagingFolder() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

void StagingFolder::commit() {
  std::error_code ec;
  if (fs::exists(out_, ec)) fs::remove_all(out_);
  fs::rename(tmp_, out_);
  committed_ = true;
}

}  // namespace ofa::common
