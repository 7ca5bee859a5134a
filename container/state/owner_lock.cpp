#include "container/state/owner_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

namespace preflight::container {
namespace {

/// The state directory, never through a symlink (O_NOFOLLOW guards the last component).
Expected<UniqueFd> OpenStateDir(const std::string& var_lib) {
  const std::string dir = var_lib + "/preflight";
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    return Error{err, "cannot open " + dir + ": " + std::strerror(err)};
  }
  return fd;
}

}  // namespace

const char* LockStateName(LockState state) {
  switch (state) {
    case LockState::kHeld:
      return "held";
    case LockState::kFree:
      return "free";
    case LockState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Expected<UniqueFd> HoldOwnerLock(const std::string& var_lib) {
  auto fd = OpenStateDir(var_lib);
  if (!fd.ok()) return fd.error();
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    return Error{err, "cannot lock " + var_lib + "/preflight: " + std::strerror(err)};
  }
  return std::move(*fd);
}

LockState ProbeOwnerLock(const std::string& var_lib) {
  auto fd = OpenStateDir(var_lib);
  if (!fd.ok()) return LockState::kUnknown;
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) == 0) {
    ::flock(fd->get(), LOCK_UN);  // a probe only: the closing fd would drop it too
    return LockState::kFree;
  }
  return errno == EWOULDBLOCK ? LockState::kHeld : LockState::kUnknown;
}

}  // namespace preflight::container
