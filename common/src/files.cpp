#include "ofa/common/files.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ofa/common/error.hpp"

#ifndef OFA_DEFAULT_DATA_DIR
#define OFA_DEFAULT_DATA_DIR "../shared/data"
#endif

namespace ofa::common {

namespace fs = std::filesystem;

fs::path output_target(const fs::path& path) {
  std::error_code ec;
  fs::path target = path;
  // Follow links one at a time (a dangling one too: its target is the file to create), so the
  // link itself stays; a loop of links ends after 40, as the kernel's own limit does.
  for (int hops = 0; fs::is_symlink(fs::symlink_status(target, ec)); ++hops) {
    if (hops == 40) throw Error(path.string() + ": too many levels of symbolic links");
    const fs::path next = fs::read_symlink(target, ec);
    if (ec) throw Error(path.string() + ": cannot read the link: " + ec.message());
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
  const fs::file_status st = fs::status(target, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st))
    throw Error(path.string() + ": " + (fs::is_directory(st) ? "is a folder" : "is not a regular file") +
                "; an output must be a regular file or a new path");
  return target;
}

std::vector<fs::path> create_folders(const fs::path& dir) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.insert(missing.begin(), p);
    if (p == p.parent_path()) break;
  }
  std::vector<fs::path> created;
  for (const fs::path& p : missing) {
    if (fs::create_directory(p, ec)) {
      created.push_back(p);
    } else if (ec) {
      remove_created_folders(created);
      throw Error(p.string() + ": cannot create folder: " + ec.message());
    }
  }
  return created;
}

void remove_created_folders(const std::vector<fs::path>& created) {
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    std::error_code ignore;
    if (fs::is_empty(*it, ignore)) fs::remove(*it, ignore);
  }
}

void write_file_atomic(const fs::path& requested, std::string_view content) {
  const fs::path path = output_target(requested);
  const std::vector<fs::path> created = path.has_parent_path() ? create_folders(path.parent_path()) : std::vector<fs::path>{};
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  // On any failure the temporary file and the folders made for it go: nothing is left behind.
  auto fail = [&](const std::string& what) {
    std::error_code ignore;
    fs::remove(tmp, ignore);
    remove_created_folders(created);
    throw Error(what);
  };
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) fail(tmp.string() + ": cannot open for writing");
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    f.close();  // an error reported only at close (a quota, a network disk) is a failed write too
    if (!f) fail(path.string() + ": write failed (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) fail(path.string() + ": cannot rename temporary file into place: " + ec.message());
}

std::string read_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) throw Error(path.string() + ": no such file");
  if (fs::is_directory(st)) throw Error(path.string() + ": is a folder, not a file");
  // A FIFO would block the open until a writer came, a device (/dev/zero) never ends: only a
  // regular file is an input. Opened without blocking and checked again on the descriptor, so a
  // path swapped for a FIFO after the check cannot hang the read either.
  if (!fs::is_regular_file(st)) throw Error(path.string() + ": is not a regular file (a FIFO, device or socket is not an input)");
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error(path.string() + ": cannot open for reading: " + std::strerror(errno));
  struct stat fst {};
  if (::fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
    ::close(fd);
    throw Error(path.string() + ": is not a regular file (a FIFO, device or socket is not an input)");
  }
  std::string bytes(static_cast<std::size_t>(fst.st_size), '\0');
  std::size_t got = 0;
  int error = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = errno;
    if (n <= 0) break;  // an error, or the file shrank while being read: what was there
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (error != 0) throw Error(path.string() + ": read error: " + std::strerror(error));
  bytes.resize(got);
  return bytes;
}

fs::path resolve_data_dir(const std::string& flag) {
  std::string dir = flag, source = "--data-dir";
  if (dir.empty()) {
    if (const char* env = std::getenv("OFA_DATA_DIR"); env && *env) {
      dir = env;
      source = "OFA_DATA_DIR";
    } else {
      dir = OFA_DEFAULT_DATA_DIR;
      source = "the built-in default";
    }
  }
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw Error("data folder '" + dir + "' (from " + source + ") is a file, not a folder; pass --data-dir or set OFA_DATA_DIR");
  if (!fs::is_directory(dir, ec))
    throw Error("data folder '" + dir + "' (from " + source +
                ") does not exist; pass --data-dir or set OFA_DATA_DIR");
  return fs::path(dir);
}

bool path_within(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  std::vector<std::filesystem::path> in, out;
  for (const std::filesystem::path& c : inner)
    if (!c.empty()) in.push_back(c);
  for (const std::filesystem::path& c : outer)
    if (!c.empty()) out.push_back(c);
  return out.size() <= in.size() && std::equal(out.begin(), out.end(), in.begin());
}

}  // namespace ofa::common
