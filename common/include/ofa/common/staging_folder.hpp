// An output folder written beside its target and renamed into place, so it appears whole or not at all.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace ofa::common {

// A folder written whole or not at all: files go into a hidden temporary folder beside
// `out`, which commit() renames into place (replacing `out` last, so an existing folder
// survives any earlier failure); destroyed uncommitted, the temporary folder is removed.
// An `out` that exists and is not empty is an Error unless `force`.
class StagingFolder {
 public:
  StagingFolder(const std::filesystem::path& out, bool force);
  ~StagingFolder();
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;

  const std::filesystem::path& path() const { return tmp_; }
  std::filesystem::path operator/(const std::string& name) const { return tmp_ / name; }
  // Writes `name` inside the folder; an error names the file where it will land (out/name),
  // not the hidden temporary folder a user never sees.
  void write(const std::string& name, std::string_view content) const;
  void commit();

 private:
  std::filesystem::path out_, tmp_;
  bool committed_ = false;
};

}  // namespace ofa::common
