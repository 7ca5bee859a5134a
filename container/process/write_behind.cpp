#include "container/process/write_behind.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <utility>

#include "container/atomic_file.h"
#include "container/log.h"

namespace preflight::container::process {
namespace {

// A frame: path length and content length (host order: both ends are this binary), then the
// bytes. The bounds keep a confused peer from making the writer allocate without limit.
struct FrameHeader {
  uint32_t path_size;
  uint32_t content_size;
};
constexpr uint32_t kMaxPath = 4096;
constexpr uint32_t kMaxContent = 4u << 20;

// Reads exactly `size` bytes; 0 at a clean end of file before any byte, 1 when read, -1 else.
int ReadExact(int fd, void* data, size_t size) {
  auto* p = static_cast<char*>(data);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, p + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) return done == 0 ? 0 : -1;
    done += static_cast<size_t>(n);
  }
  return 1;
}

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);  // a gone writer is EPIPE, not a signal
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// With stdin or stdout closed, socketpair may hand out fd 0 or 1, which the writer points at
// /dev/null: moved to 3 or above first.
int AboveStdio(int fd) {
  if (fd > 2) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return moved;
}

void WaitPid(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

int ServeWrites(int fd) {
  int failed = 0;
  for (;;) {
    FrameHeader h{};
    const int got = ReadExact(fd, &h, sizeof h);
    if (got == 0) return failed;
    if (got < 0 || h.path_size == 0 || h.path_size > kMaxPath || h.content_size > kMaxContent) {
      log::Warn("write-behind: malformed request; remaining writes dropped");
      return failed + 1;
    }
    std::string path(h.path_size, '\0');
    std::string content(h.content_size, '\0');
    if (ReadExact(fd, path.data(), path.size()) != 1 ||
        (!content.empty() && ReadExact(fd, content.data(), content.size()) != 1)) {
      log::Warn("write-behind: truncated request; remaining writes dropped");
      return failed + 1;
    }
    if (Status s = WriteFileAtomic(path, content); !s.ok()) {
      log::Warn("cannot write " + path + ": " + s.error().message);
      ++failed;
    }
  }
}

std::unique_ptr<WriteBehind> WriteBehind::Start() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return nullptr;
  UniqueFd ours(AboveStdio(fds[0])), theirs(AboveStdio(fds[1]));
  if (!ours || !theirs) return nullptr;
  std::fflush(nullptr);  // nothing buffered is written twice by the copies
  // PID 1 forks the writer itself: an orphan would be re-parented to PID 1 anyway, so the
  // launcher in between would only cost a fork. Anyone else double-forks, so that the writer
  // goes to PID 1 (or the subreaper) and never to the program exec'd next.
  const bool init = ::getpid() == 1;
  const pid_t launcher = ::fork();
  if (launcher < 0) return nullptr;
  if (launcher == 0) {
    if (init || ::fork() == 0) {
      ours.Reset();
      const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
      if (null >= 0) {
        ::dup2(null, 0);  // do not hold the program's stdin/stdout open; stderr stays for logs
        ::dup2(null, 1);
      }
      const int failed = ServeWrites(theirs.get());
      ::_exit(failed == 0 ? 0 : 1);  // _exit: no static destructors or stdio flush of the copy
    }
    ::_exit(0);
  }
  theirs.Reset();
  return std::unique_ptr<WriteBehind>(new WriteBehind(std::move(ours), init ? -1 : launcher));
}

WriteBehind::~WriteBehind() {
  channel_.Reset();
  Detach();
}

Status WriteBehind::Write(const std::string& path, const std::string& content) {
  if (!channel_) return Error{EPIPE, "write " + path + ": the writer is finished"};
  if (path.empty() || path.size() > kMaxPath || content.size() > kMaxContent) {
    return Error{EINVAL, "write " + path + ": too large for the writer"};
  }
  const FrameHeader h{static_cast<uint32_t>(path.size()), static_cast<uint32_t>(content.size())};
  std::string frame(reinterpret_cast<const char*>(&h), sizeof h);
  frame += path;
  frame += content;
  if (!SendAll(channel_.get(), frame.data(), frame.size())) {
    return Error{errno, "write " + path + ": the writer is gone (" + std::strerror(errno) + ")"};
  }
  return Status::Ok();
}

void WriteBehind::Detach() {
  if (launcher_ > 0) WaitPid(std::exchange(launcher_, -1));
}

void WriteBehind::Finish() {
  if (channel_) {
    // The writer holds the only other end: it closes when the writer exits, after the last write.
    ::shutdown(channel_.get(), SHUT_WR);
    char byte;
    while (::read(channel_.get(), &byte, 1) < 0 && errno == EINTR) {
    }
  }
  channel_.Reset();
  Detach();
}

}  // namespace preflight::container::process
