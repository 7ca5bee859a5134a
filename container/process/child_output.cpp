#include "container/process/child_output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace preflight::container {

Expected<Child> StartChild(const std::vector<std::string>& argv) {
  if (argv.empty()) return Error{EINVAL, "no program to start"};
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Errno("pipe", argv[0]);
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return Errno("fork", argv[0]);
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(write_end.get(), 1);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  write_end.Reset();
  ::fcntl(read_end.get(), F_SETFL, ::fcntl(read_end.get(), F_GETFL) | O_NONBLOCK);
  Child c;
  c.pid = pid;
  c.out = std::move(read_end);
  return c;
}

bool DrainChild(const Child& child, std::string& data, size_t max_bytes) {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(child.out.get(), buf, sizeof buf);
    if (n > 0) {
      data.append(buf, static_cast<size_t>(n));
      if (data.size() >= max_bytes) return true;
      continue;
    }
    if (n == 0) return true;
    if (errno == EINTR) continue;
    return errno != EAGAIN;
  }
}

int ReapChild(Child& child, bool kill_first) {
  if (child.pid <= 0) return 0;
  if (kill_first) ::kill(child.pid, SIGKILL);
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  child.pid = -1;
  child.out.Reset();
  return status;
}

}  // namespace preflight::container
