#include "container/agent/socket_io.h"

#include <fcntl.h>
#include <poll.h>

#include <cerrno>

namespace preflight::container {
namespace {

// Milliseconds left before `deadline`, at least 0.
int MsLeft(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 3600000 ? 3600000 : static_cast<int>(left.count());
}

// 0 when `fd` is ready for `events`, else ETIMEDOUT or the poll errno.
int WaitFor(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, MsLeft(deadline));
    if (r > 0) return 0;
    if (r == 0) return ETIMEDOUT;
    if (errno != EINTR) return errno;
  }
}

Error Timeout(std::string_view op, std::string_view what) {
  return Error{ETIMEDOUT,
               std::string(op) + " `" + std::string(what) + "`: no answer before the timeout"};
}

}  // namespace

Expected<UniqueFd> ConnectBefore(int family, const sockaddr* addr, socklen_t len,
                                 std::string_view what, Deadline deadline) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return Errno("socket", what);
  if (::connect(fd.get(), addr, len) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) return Errno("connect", what);
    int w = WaitFor(fd.get(), POLLOUT, deadline);
    if (w == ETIMEDOUT) return Timeout("connect", what);
    if (w != 0) return Errno("connect", what, w);
    int err = 0;
    socklen_t el = sizeof err;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &el) != 0) return Errno("connect", what);
    if (err != 0) return Errno("connect", what, err);
  }
  return fd;
}

Status WriteAllBefore(int fd, std::string_view data, std::string_view what, Deadline deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return Errno("send", what);
    int w = WaitFor(fd, POLLOUT, deadline);
    if (w == ETIMEDOUT) return Timeout("send", what);
    if (w != 0) return Errno("send", what, w);
  }
  return Status::Ok();
}

Expected<std::string> ReadAllBefore(int fd, size_t max_bytes, std::string_view what,
                                    Deadline deadline, bool (*done)(std::string_view)) {
  std::string data;
  char buf[8192];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      if (data.size() + static_cast<size_t>(n) > max_bytes) {
        return Error{EMSGSIZE, "read `" + std::string(what) + "`: answer larger than " +
                                   std::to_string(max_bytes) + " bytes"};
      }
      data.append(buf, static_cast<size_t>(n));
      if (done != nullptr && done(data)) return data;
      continue;
    }
    if (n == 0) return data;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Errno("read", what);
    int w = WaitFor(fd, POLLIN, deadline);
    if (w == ETIMEDOUT) return Timeout("read", what);
    if (w != 0) return Errno("read", what, w);
  }
}

}  // namespace preflight::container
