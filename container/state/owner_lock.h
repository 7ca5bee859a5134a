#pragma once
/// The liveness proof behind an owner lease (owner_lease.h): a supervisor (`run --supervise`)
/// holds flock(LOCK_EX) on `<var-lib>/preflight` for as long as it runs, and the kernel drops
/// the lock when the process dies, SIGKILL and `docker rm -f` included. A heartbeat younger
/// than kLeaseFreshFor says only that the holder was alive recently; a lock that another
/// container on the same kernel can take says for certain that the holder is gone.

#include <string>

#include "container/base/expected.h"
#include "container/base/unique_fd.h"

namespace preflight::container {

enum class LockState {
  kHeld,     ///< another live process holds it
  kFree,     ///< nobody holds it (we took it and let go at once)
  kUnknown,  ///< cannot tell: no such directory, a symlink, or no flock on this filesystem
};

/// "held", "free", "unknown".
const char* LockStateName(LockState state);

/// Takes the lock of `<var_lib>/preflight` without waiting; the fd (O_CLOEXEC: the agent
/// does not inherit it) holds it until closed. EWOULDBLOCK when another process holds it.
Expected<UniqueFd> HoldOwnerLock(const std::string& var_lib);

/// Whether a live process holds the lock of `<var_lib>/preflight`. Never blocks.
LockState ProbeOwnerLock(const std::string& var_lib);

}  // namespace preflight::container
