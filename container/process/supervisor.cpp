#include "container/process/supervisor.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "container/base/log.h"
#include "container/base/unique_fd.h"
#include "container/process/inherited_signals.h"
#include "container/process/spawn.h"

namespace preflight::container::process {
namespace {

using Clock = std::chrono::steady_clock;

bool g_supervising = false;

// Signals the kernel raises for a fault of this very process: blocking them would turn a
// crash into a hang, and forwarding them would make no sense.
constexpr int kSynchronous[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT};

std::string SignalName(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string Describe(int wait_status) {
  if (WIFSIGNALED(wait_status)) return "killed by " + SignalName(WTERMSIG(wait_status));
  return "exited with " + std::to_string(WEXITSTATUS(wait_status));
}

// A deadline not set: later than any clock reading. (Not std::optional: GCC 12 warns that a
// disengaged optional<time_point> may be read uninitialized, and -Werror fails the build.)
constexpr Clock::time_point kNever = Clock::time_point::max();

int MillisUntil(Clock::time_point when) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(when - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left + 1, 0, 60 * 60 * 1000));
}

class Loop {
 public:
  Loop(const SupervisorOptions& options, SupervisorEvents& events, UniqueFd signal_fd)
      : options_(options), events_(events), signal_fd_(std::move(signal_fd)) {}

  int Run(int child) {
    child_ = child;
    // An adopted program has run a tick already, in the image this one replaced.
    next_tick_ = Clock::now() + (options_.adopt > 0 ? std::chrono::milliseconds(0) : options_.tick);
    settled_ = options_.adopt > 0;
    if (options_.lived.count() > 0 && options_.adopt <= 0)
      lived_at_ = Clock::now() + options_.lived;
    for (;;) {
      WaitForEvent();
      DrainSignals();
      Reap();
      if (!program_status_) {
        EscalateStop();
        Lived();
        Tick();
        continue;
      }
      if (DescendantsGone()) return ExitCodeFromWaitStatus(*program_status_);
    }
  }

 private:
  // 1. Sleep until a signal arrives or the next deadline (tick, grace) is due.
  void WaitForEvent() {
    Clock::time_point wake = kNever;
    if (!program_status_) {
      if (options_.tick.count() > 0) wake = next_tick_;
      wake = std::min({wake, lived_at_, Killed() ? kNever : stop_deadline_});
    } else {
      wake = Killed() ? give_up_at_ : stop_deadline_;
    }
    pollfd p{signal_fd_.get(), POLLIN, 0};
    int r = ::poll(&p, 1, wake == kNever ? -1 : MillisUntil(wake));
    if (r < 0 && errno != EINTR) {
      log::Warn(std::string("supervisor: poll: ") + std::strerror(errno) + "; continuing");
      ::usleep(100 * 1000);  // never spin
    }
  }

  // 2. Forward what arrived.
  void DrainSignals() {
    signalfd_siginfo info[16];
    for (;;) {
      ssize_t n = ::read(signal_fd_.get(), info, sizeof info);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // EAGAIN: drained
      for (size_t i = 0; i < static_cast<size_t>(n) / sizeof info[0]; ++i) Handle(info[i]);
    }
  }

  void Handle(const signalfd_siginfo& info) {
    const int sig = static_cast<int>(info.ssi_signo);
    if (sig == SIGCHLD) return;  // reaped below
    if (sig == SIGCONT && stopped_with_program_ && !program_status_) {
      ResumeWithProgram();
      return;
    }
    // Raised for our own terminal access (we are not the foreground group): ours, as in tini.
    if (sig == SIGTTIN || sig == SIGTTOU) return;
    // Our own SIGPIPE (stderr closed under us) is ours, not the program's.
    if (sig == SIGPIPE && info.ssi_code == SI_USER && static_cast<int>(info.ssi_pid) == ::getpid())
      return;
    if (program_status_) {
      // Descendants are already being stopped; a second stop request ends the wait.
      if (sig == SIGTERM || sig == SIGINT) stop_deadline_ = Clock::now();
      return;
    }
    const int target = options_.signal_group ? -child_ : child_;
    if (::kill(target, sig) != 0 && errno != ESRCH) {
      log::Warn("supervisor: forward " + SignalName(sig) + ": " + std::strerror(errno));
    }
    if ((sig == SIGTERM || sig == SIGINT) && stop_deadline_ == kNever) {
      stop_deadline_ = Clock::now() + options_.grace;
      log::Info("supervisor: " + SignalName(sig) + " forwarded; SIGKILL in " +
                std::to_string(options_.grace.count()) + " ms if the program has not exited");
    }
  }

  // 3. Reap every child: the program, orphans re-parented to us, our own helpers.
  void Reap() {
    for (;;) {
      int status = 0;
      // WUNTRACED: a stop of the program is seen too (job control); a stop is no exit.
      pid_t pid = ::waitpid(-1, &status, WNOHANG | WUNTRACED);
      if (pid < 0 && errno == EINTR) continue;
      if (pid < 0) {
        no_children_ = (errno == ECHILD);
        return;
      }
      if (pid == 0) {
        no_children_ = false;
        return;
      }
      if (WIFSTOPPED(status)) {
        if (pid == child_ && !program_status_) StopWithProgram(WSTOPSIG(status));
        continue;
      }
      if (pid == child_ && !program_status_) {
        program_status_ = status;
        log::Info("supervisor: the program " + Describe(status));
        events_.OnProgramExited(status);
        StartDraining();
      } else {
        events_.OnReaped(pid, status);
      }
    }
  }

  // 4. After the grace of a stop request: SIGKILL the program's group and every descendant.
  void EscalateStop() {
    if (Killed() || Clock::now() < stop_deadline_) return;
    log::Warn("supervisor: the program did not exit within the grace of " +
              std::to_string(options_.grace.count()) + " ms; sending SIGKILL");
    SignalEverything(SIGKILL);
    give_up_at_ = Clock::now() + kSurviveKill;
  }

  // Ctrl-Z: the program's group was stopped by the terminal (or it stopped on terminal I/O in
  // the background). The shell waits for us, not for it: stop too, so that it gets its prompt
  // back. A PID 1 cannot stop (the kernel drops the SIGSTOP), and needs not: no shell waits.
  void StopWithProgram(int sig) {
    if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU) return;
    if (::getpid() == 1) return;
    stopped_with_program_ = true;
    ::kill(::getpid(), SIGSTOP);  // returns once continued; that SIGCONT waits in the signalfd
  }

  // `fg` (or `bg`) continued us: continue the program's whole group, which the terminal
  // stopped, and when `fg` gave the terminal to our group, hand it on to the program's.
  void ResumeWithProgram() {
    stopped_with_program_ = false;
    if (::isatty(0) && ::tcgetpgrp(0) == ::getpgrp()) ::tcsetpgrp(0, child_);
    ::kill(-child_, SIGCONT);
  }

  void Lived(bool due_or_not = false) {
    if (lived_at_ == kNever || (!due_or_not && Clock::now() < lived_at_)) return;
    lived_at_ = kNever;
    events_.OnLived(child_);
  }

  void Tick() {
    if (options_.tick.count() <= 0 || Clock::now() < next_tick_) return;
    Lived(/*due_or_not=*/true);  // never after the first tick, whatever the options say
    if (!settled_ && stop_deadline_ == kNever) {
      settled_ = true;
      events_.OnSettled(child_);
    }
    events_.OnTick();
    next_tick_ = Clock::now() + options_.tick;
  }

  // 5. The program is gone: give what it left behind the rest of the grace, then SIGKILL.
  void StartDraining() {
    // WNOWAIT: only ask whether children remain; Reap() collects them.
    siginfo_t info{};
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD) {
      no_children_ = true;  // nothing left: the common, fast case
      return;
    }
    if (Killed()) return;
    if (stop_deadline_ == kNever) stop_deadline_ = Clock::now() + options_.grace;
    log::Info(
        "supervisor: stopping the processes the program left behind (SIGTERM, then SIGKILL in " +
        std::to_string(MillisUntil(stop_deadline_)) + " ms)");
    SignalEverything(SIGTERM);
  }

  bool DescendantsGone() {
    if (no_children_) return true;
    const auto now = Clock::now();
    if (!Killed() && now >= stop_deadline_) {
      log::Warn(
          "supervisor: processes left by the program did not exit within the grace; "
          "sending SIGKILL");
      SignalEverything(SIGKILL);
      give_up_at_ = now + kSurviveKill;
    }
    // A process stuck in the kernel (D state) must not keep the container up forever.
    if (now >= give_up_at_) {
      log::Warn("supervisor: some processes survived SIGKILL for " +
                std::to_string(kSurviveKill.count()) + " s; exiting anyway");
      return true;
    }
    return false;
  }

  // Our SIGKILL went out (the time to give up is set with it).
  bool Killed() const { return give_up_at_ != kNever; }

  void SignalEverything(int sig) {
    ::kill(-child_, sig);
    ::kill(child_, sig);
    if (::getpid() == 1) {
      // Everything in the PID namespace but us.
      ::kill(-1, sig);
      return;
    }
    for (int pid : ListDescendants(::getpid())) ::kill(pid, sig);
  }

  const SupervisorOptions& options_;
  SupervisorEvents& events_;
  UniqueFd signal_fd_;
  int child_ = -1;
  std::optional<int> program_status_;
  // How long processes may survive our SIGKILL (stuck in the kernel) before we exit anyway.
  static constexpr std::chrono::seconds kSurviveKill{2};
  Clock::time_point stop_deadline_ = kNever;  // SIGKILL is due then (a stop was asked for)
  Clock::time_point give_up_at_ = kNever;     // exit then, whatever survived our SIGKILL
  bool no_children_ = false;
  bool settled_ = false;               // OnSettled was called
  bool stopped_with_program_ = false;  // we stopped ourselves for a stopped program
  Clock::time_point next_tick_;
  Clock::time_point lived_at_ = kNever;  // OnLived is due then (kNever once called)
};

}  // namespace

int ExitCodeFromWaitStatus(int wait_status) {
  if (WIFSIGNALED(wait_status)) return (128 + WTERMSIG(wait_status)) % 256;
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  return 1;
}

Expected<int> Supervise(const SupervisorOptions& options, SupervisorEvents& events) {
  // 1. Block everything forwardable; signals then wait in the signalfd. What the program and
  // the helpers get back is the mask the process inherited (inherited_signals.h).
  sigset_t blocked;
  sigfillset(&blocked);
  for (int sig : kSynchronous) sigdelset(&blocked, sig);
  const sigset_t& inherited = InheritedMask();
  if (::sigprocmask(SIG_SETMASK, &blocked, nullptr) != 0) return Errno("sigprocmask", "");
  // 2. Orphans must be re-parented to us, or their zombies stay forever.
  if (::getpid() != 1 && ::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    log::Warn(std::string("supervisor: cannot become a child subreaper: ") + std::strerror(errno) +
              "; orphaned processes will not be reaped");
  }
  // 3. The signalfd.
  UniqueFd signal_fd(::signalfd(-1, &blocked, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signal_fd) {
    Error e = Errno("signalfd", "");
    if (options.adopt <= 0) ::sigprocmask(SIG_SETMASK, &inherited, nullptr);
    return e;
  }
  // 4. The program.
  Expected<int> child = options.adopt;
  if (options.adopt <= 0) child = SpawnChild(options.argv);
  if (!child.ok()) {
    ::sigprocmask(SIG_SETMASK, &inherited, nullptr);
    return child.error();
  }
  g_supervising = true;
  events.OnStarted(*child);
  // 5. From here on, never bail.
  Loop loop(options, events, std::move(signal_fd));
  return loop.Run(*child);
}

Expected<int> ForkHelper(const std::function<int()>& task) {
  if (!g_supervising) return Error{EINVAL, "fork helper: not supervising"};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return Errno("fork", "helper");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);  // the supervisor died between fork and prctl
    RestoreInheritedSignals();              // no handler of the supervisor's image runs in a helper
    int code = 1;
    try {
      code = task();
    } catch (...) {
      code = 70;
    }
    ::_exit(code);
  }
  return static_cast<int>(pid);
}

int ParseStatPpid(std::string_view stat) {
  // "pid (comm) S ppid ...": comm may contain spaces and parentheses, so start after the last ')'.
  auto close = stat.rfind(')');
  if (close == std::string_view::npos || close + 4 >= stat.size()) return -1;
  std::string_view rest = stat.substr(close + 2);  // "S ppid ..."
  auto space = rest.find(' ');
  if (space == std::string_view::npos) return -1;
  rest.remove_prefix(space + 1);
  int ppid = 0;
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
    ppid = ppid * 10 + (rest[digits] - '0');
    ++digits;
  }
  return digits == 0 ? -1 : ppid;
}

std::vector<int> ListDescendants(int root) {
  std::multimap<int, int> children;  // ppid -> pid
  if (DIR* dir = ::opendir("/proc")) {
    while (dirent* entry = ::readdir(dir)) {
      char* end = nullptr;
      long pid = std::strtol(entry->d_name, &end, 10);
      if (*end != '\0' || pid <= 0) continue;
      char path[64];
      std::snprintf(path, sizeof path, "/proc/%ld/stat", pid);
      UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
      if (!fd) continue;
      char buf[512];
      ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
      if (n <= 0) continue;
      int ppid = ParseStatPpid(std::string_view(buf, static_cast<size_t>(n)));
      if (ppid > 0) children.emplace(ppid, static_cast<int>(pid));
    }
    ::closedir(dir);
  }
  std::vector<int> out;
  std::vector<int> todo{root};
  while (!todo.empty()) {
    int p = todo.back();
    todo.pop_back();
    auto range = children.equal_range(p);
    for (auto it = range.first; it != range.second; ++it) {
      out.push_back(it->second);
      todo.push_back(it->second);
    }
  }
  return out;
}

}  // namespace preflight::container::process
