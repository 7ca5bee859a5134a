// step_trace: which instructions of BINARY a program runs, for the link order (cmd/start.order,
// scripts/start_order.py). Starts the program under ptrace, single-steps every image of BINARY it
// execs (and the vfork children that share their memory, until they exec something else) and
// prints each distinct instruction address once per phase, as "EXEC PHASE ADDRESS" (hex), EXEC
// counting the execs of BINARY from 1.
//   step_trace BINARY [--phase-at ADDRESS] [--stop LAST:SECONDS] -- PROGRAM [ARG...]
// --phase-at: PHASE counts how often an exec arrived at ADDRESS (hex; a function's entry), so that
// what runs after a point (the lean supervisor's loop, after it gives its start-up pages back)
// is told from what ran before. --stop: exec number LAST is stepped for SECONDS, then the
// program is sent SIGTERM (for one that would run on: a supervisor).
// The program may be a launcher that execs BINARY (tests/tools/seccomp_launcher). Slow (tens of
// microseconds an instruction on a VM): a start of netdata-preflight takes about a minute.
#include <elf.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

namespace {

std::string ExeOf(pid_t pid) {
  char buf[PATH_MAX];
  const std::string link = "/proc/" + std::to_string(pid) + "/exe";
  ssize_t n = readlink(link.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

unsigned long ProgramCounter(pid_t pid) {
  user_regs_struct regs{};
  iovec io{&regs, sizeof regs};
  if (ptrace(PTRACE_GETREGSET, pid, reinterpret_cast<void*>(NT_PRSTATUS), &io) != 0) return 0;
#if defined(__x86_64__)
  return regs.rip;
#elif defined(__aarch64__)
  return regs.pc;
#else
  return 0;  // not taught this architecture: main refuses to run
#endif
}

/// What is known of each traced task: the exec of BINARY it runs (0: another program).
struct Task {
  int exec = 0;
  int phase = 0;
  std::chrono::steady_clock::time_point since;
  unsigned long last_pc = 0;  ///< where it stopped before: an arrival at --phase-at counts once
  bool started = true;        ///< false for a vfork child until its first stop (a SIGSTOP) is seen
};

}  // namespace

int main(int argc, char** argv) {
  unsigned long phase_at = 0;
  int last = 0;
  double seconds = 0;
  int arg = 2;
  for (; arg + 1 < argc && std::strcmp(argv[arg], "--") != 0; arg += 2) {
    if (std::strcmp(argv[arg], "--phase-at") == 0) {
      phase_at = std::strtoul(argv[arg + 1], nullptr, 16);
    } else if (std::strcmp(argv[arg], "--stop") != 0 ||
               std::sscanf(argv[arg + 1], "%d:%lf", &last, &seconds) != 2) {
      arg = argc;  // a usage error
    }
  }
  if (argc < 4 || arg + 1 >= argc || std::strcmp(argv[arg], "--") != 0) {
    std::fprintf(stderr,
                 "usage: step_trace BINARY [--phase-at ADDRESS] [--stop LAST:SECONDS] -- "
                 "PROGRAM [ARG...]\n");
    return 64;
  }
  char** program = argv + arg + 1;
#if !defined(__x86_64__) && !defined(__aarch64__)
  std::fprintf(stderr, "step_trace: only x86_64 and aarch64 are supported\n");
  return 69;
#endif
  char resolved[PATH_MAX];
  if (realpath(argv[1], resolved) == nullptr) {
    std::fprintf(stderr, "step_trace: %s: %s\n", argv[1], std::strerror(errno));
    return 66;
  }
  const std::string binary = resolved;
  const pid_t root = fork();
  if (root == 0) {
    ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    raise(SIGSTOP);  // the tracer sets its options before the exec
    execvp(program[0], program);
    _exit(127);
  }
  int status = 0;
  waitpid(root, &status, 0);
  ptrace(PTRACE_SETOPTIONS, root, nullptr,
         PTRACE_O_TRACEEXEC | PTRACE_O_TRACEVFORK | PTRACE_O_EXITKILL);
  std::map<pid_t, Task> tasks{{root, Task{}}};
  std::set<std::tuple<int, int, unsigned long>> seen;
  bool stopped = false;
  int execs = 0;
  ptrace(PTRACE_CONT, root, nullptr, nullptr);  // to the exec: nothing of BINARY before it
  std::set<pid_t> early;  // vfork children stopped before their parent's event named them
  auto resume = [&](pid_t pid, const Task& task, int deliver) {
    const void* data = reinterpret_cast<void*>(static_cast<long>(deliver));
    const bool over =
        last > 0 && task.exec == last &&
        std::chrono::steady_clock::now() - task.since > std::chrono::duration<double>(seconds);
    if (over && !stopped) {
      stopped = true;
      kill(root, SIGTERM);
    }
    if (task.exec > 0 && !over) {
      const unsigned long pc = ProgramCounter(pid);
      seen.emplace(task.exec, task.phase, pc);
      ptrace(PTRACE_SINGLESTEP, pid, nullptr, data);
    } else {
      ptrace(PTRACE_CONT, pid, nullptr, data);
    }
  };
  while (!tasks.empty()) {
    const pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) break;
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      tasks.erase(pid);
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    if (tasks.count(pid) == 0) {  // a new child, ahead of its parent's vfork event
      early.insert(pid);
      continue;
    }
    Task& task = tasks[pid];
    const int sig = WSTOPSIG(status);
    const int event = status >> 16;
    int deliver = 0;
    if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
      // An image of BINARY is recorded in the process that runs it; a vfork child that execs
      // another program is let go.
      if (ExeOf(pid) == binary) {
        task.exec = ++execs;
        task.phase = 0;
        task.since = std::chrono::steady_clock::now();
      } else if (pid != root) {
        ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
        tasks.erase(pid);
        continue;
      } else {
        task.exec = 0;
      }
    } else if (sig == SIGTRAP && event == PTRACE_EVENT_VFORK) {
      unsigned long id = 0;
      ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &id);
      const auto child = static_cast<pid_t>(id);
      Task copy = task;  // it runs in its parent's memory and image
      copy.started = early.erase(child) > 0;
      tasks[child] = copy;
      if (copy.started) resume(child, copy, 0);
    } else if (sig == SIGSTOP && !task.started) {
      task.started = true;  // the first stop of a new vfork child: nothing to deliver
    } else if (sig != SIGTRAP) {
      deliver = sig;  // a real signal: the program must see it
    }
    Task& now = tasks[pid];
    if (phase_at != 0 && now.exec > 0) {
      const unsigned long pc = ProgramCounter(pid);
      if (pc == phase_at && now.last_pc != phase_at) ++now.phase;
      now.last_pc = pc;
    }
    resume(pid, now, deliver);
  }
  for (const auto& [exec, phase, pc] : seen) std::printf("%d %d %lx\n", exec, phase, pc);
  return execs > 0 ? 0 : 1;
}
