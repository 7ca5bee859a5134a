#include "container/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "container/unique_fd.h"

namespace preflight::container {
namespace {

std::string DirName(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status WriteAll(int fd, const std::string& content, const std::string& path) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("write", path);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomic(const std::string& path, const std::string& content, unsigned mode) {
  const std::string dir = DirName(path);
  // 1. The directory must be a real directory, not a symlink planted in the volume.
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir_fd) return Errno("open directory", dir);
  // 2. A symlink at the target is refused rather than replaced: someone put it there.
  struct stat st {};
  const std::string base = path.substr(path.find_last_of('/') + 1);
  if (::fstatat(dir_fd.get(), base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    return Errno("write", path, ELOOP);
  }
  // 3. Temp file, fsync, rename, fsync dir.
  const std::string tmp_name = "." + base + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::openat(dir_fd.get(), tmp_name.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!fd && errno == EEXIST) {
    ::unlinkat(dir_fd.get(), tmp_name.c_str(), 0);  // left by a killed earlier run of this pid
    fd.Reset(::openat(dir_fd.get(), tmp_name.c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  }
  if (!fd) return Errno("create", dir + "/" + tmp_name);
  Status written = WriteAll(fd.get(), content, path);
  if (written.ok() && ::fsync(fd.get()) != 0) written = Errno("fsync", path);
  fd.Reset();
  if (written.ok() && ::renameat(dir_fd.get(), tmp_name.c_str(), dir_fd.get(), base.c_str()) != 0) {
    written = Errno("rename", path);
  }
  if (!written.ok()) {
    ::unlinkat(dir_fd.get(), tmp_name.c_str(), 0);
    return written;
  }
  ::fsync(dir_fd.get());  // makes the rename itself durable
  return Status::Ok();
}

Status MakeDirs(const std::string& path, unsigned mode) {
  if (path.empty()) return Error{EINVAL, "mkdir ``: empty path"};
  std::string prefix;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    prefix = path.substr(0, pos);
    if (prefix.empty()) continue;
    struct stat st {};
    if (::lstat(prefix.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode) && pos == std::string::npos) return Errno("mkdir", prefix, ELOOP);
      continue;
    }
    if (::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) return Errno("mkdir", prefix);
  }
  return Status::Ok();
}

}  // namespace preflight::container
