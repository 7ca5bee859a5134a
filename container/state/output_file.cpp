#include "container/state/output_file.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>

namespace preflight::container {
namespace {

bool StopSignalPending() {
  sigset_t pending;
  if (::sigpending(&pending) != 0) return false;
  return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1 ||
         sigismember(&pending, SIGHUP) == 1;
}

}  // namespace

Expected<UniqueFd> OpenOutput(const std::string& path, bool create) {
  int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW;
  if (create) flags |= O_CREAT;
  UniqueFd fd(::open(path.c_str(), flags, 0644));
  if (!fd) {
    if (errno == ENXIO) {
      return Error{ENXIO, path + " is a FIFO that no process is reading: nothing was written"};
    }
    return Errno("open", path);
  }
  return fd;
}

Status WriteOutput(int fd, std::string_view text, const std::string& name) {
  // One pipe buffer page at a time: after POLLOUT such a write does not block for long, even
  // on a descriptor we must not make non-blocking (stdout is shared with the shell).
  constexpr size_t kChunk = 4096;
  size_t done = 0;
  while (done < text.size()) {
    if (StopSignalPending()) return Error{EINTR, "write " + name + ": stopped by a signal"};
    pollfd p{fd, POLLOUT, 0};
    int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) return Errno("write", name);
    if (ready <= 0) continue;
    if ((p.revents & (POLLERR | POLLNVAL)) != 0 && (p.revents & POLLOUT) == 0) {
      return Error{EPIPE, "write " + name + ": the reader went away"};
    }
    ssize_t n = ::write(fd, text.data() + done, std::min(kChunk, text.size() - done));
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Errno("write", name);
    }
    if (n == 0) return Error{EIO, "write " + name + ": no progress"};
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace preflight::container
