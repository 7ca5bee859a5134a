#include "container/host/emulation.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "container/base/unique_fd.h"

namespace preflight::container {
namespace {

std::string ReadLink(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::string EmulatorFromExes(std::string_view self_exe, std::string_view child_exe) {
  if (self_exe.empty() || child_exe.empty() || self_exe == child_exe) return {};
  return std::string(child_exe);
}

std::string DetectUserEmulator() {
  const std::string self = ReadLink("/proc/self/exe");
  if (self.empty()) return {};
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  UniqueFd rd(fds[0]), wr(fds[1]);
  pid_t pid = fork();
  if (pid < 0) return {};
  if (pid == 0) {
    // Alive until the parent has looked at /proc/<pid>/exe: it closes the pipe, read sees EOF.
    wr.Reset();
    char c;
    while (read(rd.get(), &c, 1) < 0 && errno == EINTR) {
    }
    _exit(0);
  }
  rd.Reset();
  const std::string child = ReadLink("/proc/" + std::to_string(pid) + "/exe");
  wr.Reset();
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return EmulatorFromExes(self, child);
}

}  // namespace preflight::container
