// An exclusive advisory lock (flock) on a lock file, held for the object's life: processes that
// would do the same work once (an engine check) wait for the first, then read what it wrote.
#pragma once
#include <filesystem>

namespace ofa::common {

class FileLock {
 public:
  // Locks `path` (created, with its folder, if missing); without a lock when it cannot be made
  // (a read-only folder): the work is then done twice, never blocked forever.
  explicit FileLock(const std::filesystem::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace ofa::common
