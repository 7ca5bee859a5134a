#include "container/host/probe_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "container/base/unique_fd.h"

namespace preflight::container {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

/// The exit code of a vforked child that could not arm its deadline: run it again as a fork.
constexpr int kNoTimer = 125;

/// A timer that SIGKILLs this process after `limit`. POSIX timers belong to the process that
/// made them: the parent's are untouched, and the timer dies with the child.
bool ArmSelfKill(milliseconds limit) {
  sigevent ev{};
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGKILL;
  timer_t timer;
  if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0) return false;
  itimerspec when{};
  when.it_value.tv_sec = static_cast<time_t>(limit.count() / 1000);
  when.it_value.tv_nsec = static_cast<long>(limit.count() % 1000) * 1000000L;
  return timer_settime(timer, 0, &when, nullptr) == 0;
}

[[noreturn]] void ChildMain(int out_fd, ProbeChildBody body, const void* arg, milliseconds limit,
                            bool vforked) {
  // Forked, the parent's poll keeps the deadline; vforked, nothing else would.
  if (!ArmSelfKill(limit) && vforked) _exit(kNoTimer);
  body(out_fd, arg);
  _exit(0);
}

/// vfork or fork; the child never returns from here.
pid_t StartChild(bool use_vfork, int out_fd, ProbeChildBody body, const void* arg,
                 milliseconds limit) {
  const pid_t pid = use_vfork ? ::vfork() : ::fork();
  if (pid == 0) ChildMain(out_fd, body, arg, limit, use_vfork);
  return pid;
}

/// Appends what `fd` gives until EOF; false when `deadline` came first. What the child wrote
/// before it was killed is read even when we look only after the deadline (vforked: we resume
/// when it is gone).
bool ReadToEof(int fd, steady_clock::time_point deadline, std::string& out) {
  while (true) {
    const auto left = std::max<int64_t>(
        0, std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now()).count());
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 && left == 0) return false;
    if (n <= 0) continue;  // the deadline is looked at above
    char chunk[512];
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return true;  // EOF: the child is gone
    out.append(chunk, static_cast<size_t>(got));
  }
}

Expected<ProbeChildEnd> RunOnce(bool use_vfork, ProbeChildBody body, const void* arg,
                                milliseconds limit) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Errno("pipe", "probe child");
  UniqueFd rd(fds[0]), wr(fds[1]);
  // Every signal blocked across the fork: no handler of ours may run in a child that shares
  // our memory. Pending ones are delivered once the mask is restored.
  sigset_t all, old;
  sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, &old);
  const auto start = steady_clock::now();
  const pid_t pid = StartChild(use_vfork, wr.get(), body, arg, limit);
  const int fork_errno = errno;
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) return Errno("fork", "probe child", fork_errno);
  wr.Reset();
  ProbeChildEnd end;
  const bool eof = ReadToEof(rd.get(), start + limit, end.output);
  if (!eof) ::kill(pid, SIGKILL);
  while (::waitpid(pid, &end.status, 0) < 0 && errno == EINTR) {
  }
  const bool killed = WIFSIGNALED(end.status) && WTERMSIG(end.status) == SIGKILL;
  end.timed_out = !eof || (killed && steady_clock::now() - start >= limit);
  return end;
}

}  // namespace

Expected<ProbeChildEnd> RunProbeChild(ProbeChildBody body, const void* arg, milliseconds limit) {
  // vfork is not clone3: every Docker seccomp profile allows it. Refused, or without a timer
  // of its own, the child is forked instead.
  auto end = RunOnce(true, body, arg, limit);
  const bool no_timer = end.ok() && WIFEXITED(end->status) &&
                        WEXITSTATUS(end->status) == kNoTimer && end->output.empty();
  if (end.ok() && !no_timer) return end;
  return RunOnce(false, body, arg, limit);
}

}  // namespace preflight::container
