#include "container/state/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include "container/base/read_fd.h"
#include "container/base/unique_fd.h"

namespace preflight::container {
namespace {

std::string DirName(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Writes all of `content` from offset 0 (pwrite: a refilled spare is written over in place).
Status WriteAll(int fd, const std::string& content, const std::string& path) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n =
        ::pwrite(fd, content.data() + done, content.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("write", path);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// A spare this writer may write over: a plain file of its own that nothing else links to
// (a hard link to someone else's file is never written through).
bool Refillable(const struct stat& st) {
  return S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_uid == ::geteuid();
}

// The spare `name`, created if missing, opened and exclusively locked for refilling; an
// invalid fd when it cannot be refilled now (then the write uses a fresh temp file).
UniqueFd OpenSpare(int dir_fd, const std::string& name, unsigned mode) {
  // O_NONBLOCK and O_NOCTTY: a FIFO or a terminal planted at the name neither blocks nor
  // becomes ours; the fstat below refuses it.
  const int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
  UniqueFd fd(::openat(dir_fd, name.c_str(), flags, mode));
  if (!fd) return fd;
  // The lock fails while a reader holds the version it replaced, or another writer fills it.
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return UniqueFd();
  struct stat held {};
  struct stat named {};
  if (::fstat(fd.get(), &held) != 0) return UniqueFd();
  // Between our open and our lock another writer may have swapped it in as the live file (and a
  // third renamed over that, unlinking it): the name is then another writer's spare, maybe
  // locked and being refilled right now, and is neither ours to fill nor to remove.
  if (::fstatat(dir_fd, name.c_str(), &named, AT_SYMLINK_NOFOLLOW) != 0 ||
      named.st_ino != held.st_ino || named.st_dev != held.st_dev) {
    return UniqueFd();
  }
  // Still the name's file, and locked by us, so no writer can swap it away: safe to remove.
  if (!Refillable(held)) {
    ::unlinkat(dir_fd, name.c_str(), 0);  // planted there, or another user's: the next write
    return UniqueFd();                    // makes a spare of its own
  }
  return fd;
}

// Puts the temp file `tmp` at `base`: swapped with the old file when `spare` (the old version
// becomes the next spare, no blocks are freed), else renamed over it.
bool PutInPlace(int dir_fd, const std::string& tmp, const std::string& base, bool spare) {
  if (spare && ::renameat2(dir_fd, tmp.c_str(), dir_fd, base.c_str(), RENAME_EXCHANGE) == 0)
    return true;
  // No file there yet (ENOENT), or no RENAME_EXCHANGE here (EINVAL: the filesystem; ENOSYS,
  // EPERM: the kernel or a seccomp profile): a plain rename is just as atomic.
  if (spare && errno != ENOENT && errno != EINVAL && errno != ENOSYS && errno != EPERM)
    return false;
  return ::renameat(dir_fd, tmp.c_str(), dir_fd, base.c_str()) == 0;
}

}  // namespace

Status WriteFileAtomic(const std::string& path, const std::string& content, unsigned mode,
                       Spare spare) {
  std::vector<Error> failed = WriteFilesAtomic({{path, content}}, mode, spare);
  if (!failed.empty()) return failed.front();
  return Status::Ok();
}

namespace {

// One file on its way: its temp file written (its writeback started), not yet renamed.
struct Staged {
  std::string path;
  std::string dir;
  std::string base;
  std::string tmp_name;
  int dir_fd;  // owned by the batch's directory list
  UniqueFd fd;
  bool spare = false;  // tmp_name is the kept spare, locked by `fd` until it is in place
};

// The directories of a batch, each opened once, and fsynced once if a rename landed in it.
struct Dirs {
  struct Dir {
    std::string name;
    UniqueFd fd;
    bool renamed = false;
  };
  std::vector<Dir> opened;
  int Get(const std::string& dir) {
    for (const Dir& d : opened) {
      if (d.name == dir) return d.fd.get();
    }
    // The directory must be a real directory, not a symlink planted in the volume.
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return -1;
    opened.push_back(Dir{dir, std::move(fd)});
    return opened.back().fd.get();
  }
  void Renamed(int dir_fd) {
    for (Dir& d : opened) d.renamed = d.renamed || d.fd.get() == dir_fd;
  }
};

// Writes the temp file of `path` beside it (the spare if `spare` and it can be refilled now)
// and starts its writeback; nothing at `path` changes yet.
Expected<Staged> Stage(Dirs& dirs, const std::string& path, const std::string& content,
                       unsigned mode, Spare spare) {
  Staged s{path, DirName(path), path.substr(path.find_last_of('/') + 1), "", -1, UniqueFd()};
  s.dir_fd = dirs.Get(s.dir);
  if (s.dir_fd < 0) return Errno("open directory", s.dir);
  // A symlink at the target is refused rather than replaced: someone put it there.
  struct stat st {};
  if (::fstatat(s.dir_fd, s.base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    return Errno("write", path, ELOOP);
  }
  UniqueFd fd;
  if (spare == Spare::kKeep) {
    s.tmp_name = "." + s.base + ".spare";
    fd = OpenSpare(s.dir_fd, s.tmp_name, mode);
    s.spare = static_cast<bool>(fd);
  }
  if (!s.spare) {
    s.tmp_name = "." + s.base + ".tmp." + std::to_string(::getpid());
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    fd.Reset(::openat(s.dir_fd, s.tmp_name.c_str(), flags, mode));
    if (!fd && errno == EEXIST) {
      ::unlinkat(s.dir_fd, s.tmp_name.c_str(), 0);  // left by a killed earlier run of this pid
      fd.Reset(::openat(s.dir_fd, s.tmp_name.c_str(), flags, mode));
    }
    if (!fd) return Errno("create a temp file beside", path);
  }
  Status written = WriteAll(fd.get(), content, path);
  // A refilled spare that was longer keeps no tail of its old version.
  if (written.ok() && s.spare && ::ftruncate(fd.get(), static_cast<off_t>(content.size())) != 0)
    written = Errno("truncate the temp file beside", path);
  if (!written.ok()) {
    // A spare stays: it is nobody's version, and the next write fills it again.
    if (!s.spare) ::unlinkat(s.dir_fd, s.tmp_name.c_str(), 0);
    return written.error();
  }
  // Every file's data goes to the device before any fsync waits: the disk works on them
  // together, and each fsync then waits for less. Only a hint: the fsync below is the promise.
  ::sync_file_range(fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
  s.fd = std::move(fd);
  return s;
}

// `.<base>.tmp.<digits>`: the temp file name of Stage, for any pid.
bool IsTempOf(std::string_view name, std::string_view base) {
  if (name.size() < base.size() + 6 || name[0] != '.' || name.substr(1, base.size()) != base)
    return false;
  std::string_view rest = name.substr(1 + base.size());
  if (rest.substr(0, 5) != ".tmp.") return false;
  rest.remove_prefix(5);
  for (char c : rest) {
    if (c < '0' || c > '9') return false;
  }
  return !rest.empty();
}

// Removes the temp files of `bases` in the directory `dir_fd` that killed writers left: a
// regular file, untouched for kStaleTempAge. Best effort: what cannot be read stays.
// `dir_fd` is read from its current offset: the batch's own descriptor, never read before.
void SweepStaleTemps(int dir_fd, const std::vector<std::string>& bases) {
  const time_t cutoff =
      ::time(nullptr) - std::chrono::duration_cast<std::chrono::seconds>(kStaleTempAge).count();
  // getdents64 into the stack: readdir would open the directory again and allocate 32 KiB.
  // Bounded: the directory normally holds two files; a flooded one is swept a part at a time.
  alignas(dirent64) char buf[4096];
  ssize_t n = 0;
  for (int reads = 0; reads < 16 && (n = ::getdents64(dir_fd, buf, sizeof buf)) > 0; ++reads) {
    for (ssize_t off = 0; off < n;) {
      const auto* e = reinterpret_cast<const dirent64*>(buf + off);
      off += e->d_reclen;
      bool ours = false;
      for (const std::string& base : bases) ours = ours || IsTempOf(e->d_name, base);
      struct stat st {};
      if (!ours || ::fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISREG(st.st_mode) && st.st_mtime < cutoff) ::unlinkat(dir_fd, e->d_name, 0);
    }
  }
}

}  // namespace

std::vector<Error> WriteFilesAtomic(const FileWrites& writes, unsigned mode, Spare spare) {
  std::vector<Error> failed;
  Dirs dirs;
  std::vector<Staged> staged;
  // 1. Every temp file written, all their writebacks started.
  for (size_t i = 0; i < writes.size(); ++i) {
    const auto& [path, content] = writes[i];
    bool twice = false;
    for (size_t j = 0; j < i; ++j) twice = twice || writes[j].first == path;
    if (twice) {
      failed.push_back(Error{EINVAL, "write " + path + ": given twice in one batch"});
      continue;
    }
    auto s = Stage(dirs, path, content, mode, spare);
    if (!s.ok()) {
      failed.push_back(s.error());
      continue;
    }
    staged.push_back(std::move(*s));
  }
  // 2. Each fsynced, then put in place: from there a reader sees the new file.
  for (Staged& s : staged) {
    Status done = ::fsync(s.fd.get()) == 0 ? Status::Ok() : Status(Errno("fsync", s.path));
    if (done.ok() && !PutInPlace(s.dir_fd, s.tmp_name, s.base, s.spare))
      done = Errno("rename", s.path);
    s.fd.Reset();  // a spare's lock is held until it is in place
    if (!done.ok()) {
      failed.push_back(done.error());
      if (!s.spare) ::unlinkat(s.dir_fd, s.tmp_name.c_str(), 0);
      continue;
    }
    dirs.Renamed(s.dir_fd);
  }
  // 3. Each directory swept of killed writers' temp files, then fsynced once: that makes
  //    the renames durable.
  for (const Dirs::Dir& d : dirs.opened) {
    if (!d.renamed) continue;
    std::vector<std::string> bases;
    for (const Staged& s : staged) {
      if (s.dir_fd == d.fd.get()) bases.push_back(s.base);
    }
    SweepStaleTemps(d.fd.get(), bases);
    ::fsync(d.fd.get());
  }
  return failed;
}

Expected<std::string> ReadFileAtomic(const std::string& path, size_t max_bytes) {
  // A writer holds its lock only from refilling a spare until it is in place: microseconds.
  constexpr int kAttempts = 20;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW));
    if (!fd) return Errno("open", path);
    // EWOULDBLOCK: a writer holds this inode. Other errors (no flock on this filesystem) keep
    // writers from locking a spare too, so they never refill one: the read is safe.
    if (::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
      const struct timespec pause { 0, 1000000 };
      ::nanosleep(&pause, nullptr);
      continue;
    }
    return ReadFd(fd.get(), max_bytes, path);
  }
  return Error{EAGAIN, "read " + path + ": another process has held it mid-write for " +
                           std::to_string(kAttempts) + " ms; try again"};
}

Status MakeDirs(const std::string& path, unsigned mode) {
  if (path.empty()) return Error{EINVAL, "mkdir ``: empty path"};
  // Every start but the first finds it there: one lstat, not one per level of the path.
  if (struct stat st{}; ::lstat(path.c_str(), &st) == 0) {
    return S_ISLNK(st.st_mode) ? Errno("mkdir", path, ELOOP) : Status::Ok();
  }
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
