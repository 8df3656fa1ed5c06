// A command's output files written together: all of them appear, or none does.
#pragma once
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

namespace ofa::common {

// Each file is staged as a temporary file beside its target as soon as it is added (so a full
// disk or a refused folder shows before anything is replaced); commit() renames them all into
// place. Destroyed uncommitted (an error, Ctrl-C), it removes what it staged, leaving the
// previous outputs as they were.
class OutputSet {
 public:
  OutputSet() = default;
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // Stages `content` for `path` (Error naming the path when it cannot be written).
  void add(const std::filesystem::path& path, std::string_view content);
  // Takes over a temporary file the caller wrote itself (a trace streamed frame by frame),
  // to be renamed to `path` on commit and removed otherwise.
  void adopt(const std::filesystem::path& temp, const std::filesystem::path& path);
  void commit();

 private:
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temp, target
  std::vector<std::filesystem::path> created_;  // folders made for the targets, taken back unless committed
  bool committed_ = false;
};

}  // namespace ofa::common
