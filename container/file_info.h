#pragma once
/// Plain facts about files and filesystems, as the System seam reports them.

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace preflight::container {

enum class FileType { kRegular, kDirectory, kSymlink, kOther };

/// lstat()/stat() facts.
struct FileInfo {
  FileType type = FileType::kOther;
  mode_t mode = 0;  // permission bits only (07777)
  uid_t uid = 0;
  gid_t gid = 0;
  uint64_t size = 0;
  int64_t mtime = 0;     // seconds since the epoch
  int64_t mtime_ns = 0;  // the same, in nanoseconds
  int64_t ctime_ns = 0;  // last status change, nanoseconds since the epoch (no one can set it)
  // 64-bit on every architecture: overlayfs with xino sets an inode's high bits, and ino_t of a
  // 32-bit build without _FILE_OFFSET_BITS=64 would truncate them (CMakeLists.txt sets it).
  uint64_t dev = 0;
  uint64_t ino = 0;
};

/// statvfs() facts.
struct FsSpace {
  uint64_t bytes_total = 0;
  uint64_t bytes_free = 0;  // available to unprivileged users
  uint64_t inodes_total = 0;
  uint64_t inodes_free = 0;
  bool read_only = false;
};

/// Outcome of running a program to completion (see System::Run).
struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that ended it, else 0
  bool timed_out = false;
  std::string output;  // stdout and stderr together, truncated to the limit
};

}  // namespace preflight::container
