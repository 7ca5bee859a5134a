#pragma once
/// Writing what the user asked for (a report, a termination log) to stdout, a file, a FIFO or a
/// device without ever hanging: a FIFO nobody reads is refused at open (O_NONBLOCK), and a
/// reader that stops reading cannot hold the process, because a pending stop signal
/// (SIGTERM, SIGINT, SIGHUP: blocked around writes that must be whole) ends the write.

#include <string>
#include <string_view>

#include "container/base/expected.h"
#include "container/base/unique_fd.h"

namespace preflight::container {

/// Opens `path` for writing without blocking: O_NONBLOCK (a FIFO without a reader is ENXIO,
/// never a wait), never through a symlink at the last component, O_CREAT only when `create`.
Expected<UniqueFd> OpenOutput(const std::string& path, bool create);

/// Writes all of `text` to `fd` (blocking or not). Waits for a slow reader in 100 ms polls and
/// gives up with EINTR as soon as SIGTERM, SIGINT or SIGHUP is pending (they may be blocked).
/// Every short write, ENOSPC and EIO is an Error naming `name` (e.g. "stdout").
Status WriteOutput(int fd, std::string_view text, const std::string& name);

}  // namespace preflight::container
