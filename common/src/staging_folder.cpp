#include "ofa/common/staging_folder.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include "ofa/common/error.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

StagingFolder::StagingFolder(const fs::path& out_dir, bool force) {
  std::error_code ec;
  // Normalised, so `out/.` or `a/b/..` name the folder itself (the staging folder must sit
  // beside it, not inside it).
  out_ = fs::path(out_dir).lexically_normal();
  if (!out_.has_filename() && out_.has_parent_path()) out_ = out_.parent_path();
  if (out_.filename() == "." || out_.filename() == ".." || out_.empty()) out_ = fs::absolute(out_).lexically_normal();
  if (!out_.has_filename()) out_ = out_.parent_path();
  // The folder is replaced whole: never the current folder or one above it, whatever --force says.
  const fs::path resolved = fs::weakly_canonical(fs::absolute(out_), ec);
  const fs::path cwd = fs::current_path(ec);
  if (!ec) {
    std::vector<fs::path> out_parts, cwd_parts;
    for (const fs::path& p : resolved)
      if (!p.empty()) out_parts.push_back(p);
    for (const fs::path& p : cwd)
      if (!p.empty()) cwd_parts.push_back(p);
    const bool holds_cwd = out_parts.size() <= cwd_parts.size() && std::equal(out_parts.begin(), out_parts.end(), cwd_parts.begin());
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
  fs::remove_all(tmp_.string() + ".old", ec);  // left by a run killed while committing under the same pid
  if (!fs::create_directory(tmp_, ec)) throw Error(tmp_.string() + ": cannot create the folder: " + ec.message());
}

StagingFolder::~StagingFolder() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

void StagingFolder::write(const std::string& name, std::string_view content) const {
  // No temporary file inside: the folder as a whole is what appears atomically.
  const fs::path path = tmp_ / name, shown = out_ / name;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw Error(shown.string() + ": cannot open for writing");
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  f.close();  // an error reported only at close (a quota, a network disk) is a failed write too
  if (!f) throw Error(shown.string() + ": write failed (disk full?)");
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
