#include "ofa/common/staging_folder.hpp"

#include <unistd.h>

#include "ofa/common/error.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

StagingFolder::StagingFolder(const fs::path& out_dir, bool force) {
  std::error_code ec;
  out_ = out_dir.has_filename() ? out_dir : out_dir.parent_path();
  // The folder is replaced whole: never the current folder or one above it, whatever --force says.
  const fs::path resolved = fs::weakly_canonical(fs::absolute(out_), ec);
  const fs::path cwd = fs::current_path(ec);
  if (!ec) {
    auto c = cwd.begin();
    bool holds_cwd = true;
    for (auto o = resolved.begin(); o != resolved.end(); ++o, ++c) {
      if (o->empty()) continue;
      if (c == cwd.end() || *c != *o) {
        holds_cwd = false;
        break;
      }
    }
    if (holds_cwd) throw Error(out_dir.string() + ": is the current folder or holds it; an output folder is replaced whole, so it must be another");
  }
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
  // The old folder is moved aside first and removed last, so a failure leaves it in place.
  std::error_code ec;
  const fs::path old = tmp_.string() + ".old";
  const bool had_old = fs::exists(out_, ec);
  if (had_old) {
    fs::rename(out_, old, ec);
    if (ec) throw Error(out_.string() + ": cannot move the old folder aside: " + ec.message());
  }
  fs::rename(tmp_, out_, ec);
  if (ec) {
    std::error_code ignore;
    if (had_old) fs::rename(old, out_, ignore);
    throw Error(out_.string() + ": cannot rename the new folder into place: " + ec.message());
  }
  committed_ = true;
  if (had_old) fs::remove_all(old, ec);
}

}  // namespace ofa::common
