#pragma once
/// The PID 1 job of `run --supervise`: start the program, forward signals, reap zombies,
/// stop everything within a bounded grace, and exit with the program's status.
///
/// Once the program is started the supervisor never exits on its own errors: a pid 1 that
/// dies takes the container with it, so failures are logged and the loop goes on.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "container/base/expected.h"

namespace preflight::container::process {

struct SupervisorOptions {
  std::vector<std::string> argv;  ///< the program; argv[0] is looked up in PATH
  /// After SIGTERM/SIGINT, or after the program exits while descendants remain: how long to
  /// wait before SIGKILL (8 s fits in Docker's 10 s stop timeout).
  std::chrono::milliseconds grace{8000};
  /// Forward signals to the program's process group instead of the program alone.
  bool signal_group = false;
  /// How often Events::OnTick runs; zero = never.
  std::chrono::milliseconds tick{0};
  /// When Events::OnLived runs, counted from the spawn; zero = never (nor for an adopted program).
  std::chrono::milliseconds lived{0};
  /// A program already started by the image this process exec'd from (the lean supervisor
  /// adopts it: exec keeps the pid, the children and the pending signals); 0 = spawn argv.
  int adopt = 0;
};

/// What the owner of the supervisor hears about. Calls come from the loop, one at a time,
/// and must return quickly (signals wait meanwhile) and must not throw.
class SupervisorEvents {
 public:
  virtual ~SupervisorEvents() = default;
  /// The program was forked (exec may still fail: that shows as exit 126/127).
  virtual void OnStarted(int pid) { (void)pid; }
  /// Once, SupervisorOptions::lived after the spawn, if the program still runs (a stop under way
  /// or not), and before OnSettled and the first OnTick: the moment for what a program that ends
  /// at once need not pay for. Never called for a program that ended sooner.
  virtual void OnLived(int pid) { (void)pid; }
  /// Once, at the first tick while the program runs and no stop is under way, before
  /// OnTick (never for an adopted program, whose first tick comes at once): the moment for the
  /// owner to replace this image with a leaner one that adopts the program
  /// (SupervisorOptions::adopt). Every signal is blocked, so the ones pending stay pending across
  /// that exec; nothing is lost. Returning goes on here.
  virtual void OnSettled(int pid) { (void)pid; }
  /// Every `tick` while the program runs.
  virtual void OnTick() {}
  /// A process other than the program was reaped (orphans, helpers from ForkHelper).
  virtual void OnReaped(int pid, int wait_status) {
    (void)pid;
    (void)wait_status;
  }
  /// The program ended with `wait_status`; descendants are stopped after this returns.
  virtual void OnProgramExited(int wait_status) { (void)wait_status; }
};

/// The exit code for a waitpid status: the code, or 128+N for a death by signal N.
int ExitCodeFromWaitStatus(int wait_status);

/// 1. blocks every signal but the synchronous ones (SEGV, BUS, FPE, ILL, TRAP, SYS, ABRT),
/// 2. registers as child subreaper when not PID 1 (silently: it only matters when orphans
/// exist), 3. opens a signalfd (signals pending since before, e.g. across an exec, are read
/// too), 4. spawns the program (SpawnChild: the inherited signal state) or adopts it,
/// 5. loops: forwards every signal but SIGCHLD, SIGTTIN/SIGTTOU (raised for the supervisor's own
/// terminal access) and the supervisor's own SIGPIPE to the program or its group, reaps every
/// child with waitpid(-1, WNOHANG), on SIGTERM/SIGINT starts the grace and then SIGKILLs the
/// program's group and every descendant, 6. when the program exits, sends SIGTERM to what is
/// left, waits up to the grace (or what is left of it) for it to go, then SIGKILLs it.
/// Job control (as dumb-init): when the program is stopped by SIGTSTP, SIGTTIN or SIGTTOU (Ctrl-Z
/// on a terminal) the supervisor stops itself too (SIGSTOP; not as PID 1, which cannot stop),
/// so that the shell waiting for it gets its prompt back; the SIGCONT of `fg`/`bg` then
/// continues the program's group and, when the terminal is ours again, gives it back to it.
/// Returns the program's exit code (ExitCodeFromWaitStatus). An Error means nothing was
/// started (signalfd or fork failed) and the caller may still exit on its own.
Expected<int> Supervise(const SupervisorOptions& options, SupervisorEvents& events);

/// Runs `task` in a forked child of the supervisor with the inherited signal state restored and
/// killed when the supervisor dies; the child exits with task's return value. The caller
/// learns of its end through SupervisorEvents::OnReaped. Only valid inside Supervise.
Expected<int> ForkHelper(const std::function<int()>& task);

/// The pids of every descendant of `root`, from /proc/<pid>/stat (a snapshot).
std::vector<int> ListDescendants(int root);

/// The parent pid in the text of /proc/<pid>/stat, or -1. Pure.
int ParseStatPpid(std::string_view stat);

}  // namespace preflight::container::process
