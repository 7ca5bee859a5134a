#include "container/process/spawn.h"

#include <string.h>
#include <unistd.h>

#include <cerrno>

#include "container/process/exec.h"
#include "container/process/inherited_signals.h"

namespace preflight::container::process {
namespace {

void WriteStderr(const char* text) {
  size_t left = ::strlen(text);
  while (left > 0) {
    ssize_t n = ::write(2, text, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text += n;
    left -= static_cast<size_t>(n);
  }
}

// Between fork and exec: async-signal-safe calls only (no allocation, no logging).
[[noreturn]] void ExecInChild(char* const* args, bool foreground) {
  ::setpgid(0, 0);
  // All signals are still blocked here, so tcsetpgrp does not stop us with SIGTTOU.
  if (foreground) ::tcsetpgrp(0, ::getpid());
  RestoreInheritedSignals();
  ::execvp(args[0], args);
  const int err = errno;
  // strerrordesc_np reads a static table: safe here, unlike strerror.
  const char* reason = ::strerrordesc_np(err);
  WriteStderr("netdata-preflight: exec `");
  WriteStderr(args[0]);
  WriteStderr("` failed: ");
  WriteStderr(reason != nullptr ? reason : "unknown error");
  WriteStderr("\n");
  ::_exit(ExecFailureExitCode(err));
}

}  // namespace

Expected<int> SpawnChild(const std::vector<std::string>& argv) {
  if (argv.empty()) return Error{EINVAL, "spawn: no program given"};
  // Built before the fork: the child must not allocate.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Job control: the program, not the supervisor, reads the terminal, when we have it (a job
  // in the background stays there). Asked before fork: the parent moves the child's group.
  volatile const bool foreground = ::isatty(0) && ::tcgetpgrp(0) == ::getpgrp();
  // vfork: the child borrows our memory until its exec instead of copying the page tables of
  // a process that ran the checks (and the copy-on-write faults after): the hand-off's
  // cheapest fork. The child only makes syscalls (no allocation, no handler of ours can run:
  // every signal is blocked until RestoreInheritedSignals reset them) and never returns.
  // vfork is not clone3, and every Docker seccomp profile allows it; fork if refused.
  pid_t pid = ::vfork();
  if (pid == 0) ExecInChild(args.data(), foreground);
  if (pid < 0) pid = ::fork();
  if (pid == 0) ExecInChild(args.data(), foreground);
  if (pid < 0) return Errno("fork", argv[0]);
  // Both sides set the group so that a signal forwarded right away reaches the whole group.
  ::setpgid(pid, pid);
  return static_cast<int>(pid);
}

}  // namespace preflight::container::process
