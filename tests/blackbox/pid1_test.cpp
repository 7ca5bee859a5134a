// Black-box: `run --supervise` as the init of a container (PID 1 of a new PID namespace, as
// `unshare --pid --fork --mount-proc` makes one) or of a shell job, on the behaviours the
// peers' own test suites check that run_supervise_test.cpp does not: the start-up race of a
// stop signal, inherited ignores (nohup), job control on a terminal (Ctrl-Z), what `ps`
// shows, fds, process groups, rapid signals, large argv and environment. tini (and dumb-init)
// run beside it where a reference says something.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "blackbox/background.h"
#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kChild = PREFLIGHT_SIGNAL_CHILD;
const std::string kTini = "/usr/bin/tini";
const std::string kDumbInit = "/usr/bin/dumb-init";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Exe(int pid) {
  std::error_code ec;
  auto target = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  return ec ? "" : target.string();
}

/// The field after the command name in /proc/PID/stat: R, S, T, Z...; '?' when gone.
char State(int pid) {
  const std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

/// Fields of /proc/PID/stat after the command name, 0-based from the state (2: pgrp, 5: tpgid).
long StatField(int pid, int index) {
  const std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  for (int i = 0; i <= index; ++i) in >> field;
  return std::stol(field);
}

/// The SigIgn mask of a /proc/PID/status text.
uint64_t IgnoredMask(const std::string& status) {
  auto pos = status.find("SigIgn:");
  return pos == std::string::npos ? 0 : std::stoull(status.substr(pos + 7), nullptr, 16);
}
uint64_t Bit(int sig) { return uint64_t{1} << (sig - 1); }

class Pid1Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!IsRoot()) GTEST_SKIP() << "needs root for PID namespaces (CI runs the tests as root)";
    auto r = RunProcess({"/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "/bin/true"});
    if (r.exit_code != 0) GTEST_SKIP() << "this kernel refuses PID namespaces: " << r.err;
    for (const auto& tool : {kTini, kDumbInit}) {
      ASSERT_EQ(access(tool.c_str(), X_OK), 0) << tool << " missing: run scripts/bootstrap.sh";
    }
    var_lib_ = dir_.Mkdir("var/lib/netdata");
  }

  std::map<std::string, std::string> Env() const {
    return {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
            {"PREFLIGHT_VAR_LIB", var_lib_},
            {"PREFLIGHT_CONFIG_DIR", dir_.path()},
            {"PREFLIGHT_CACHE_DIR", dir_.path()}};
  }

  /// `netdata-preflight run --only claim.token --supervise -- PROGRAM...`.
  static std::vector<std::string> Supervised(const std::vector<std::string>& program) {
    std::vector<std::string> argv = {BinaryPath(),  "run",         "--only",
                                     "claim.token", "--supervise", "--"};
    argv.insert(argv.end(), program.begin(), program.end());
    return argv;
  }

  static std::vector<std::string> InNamespace(const std::vector<std::string>& argv) {
    std::vector<std::string> out = {"/usr/bin/unshare", "--pid", "--fork", "--mount-proc"};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
  }

  TempDir dir_;
  std::string var_lib_;
};

// ---- the start-up race ------------------------------------------------------------------

/// Whether `pid` holds SIGTERM (SigBlk) or has started its program: the init has run its
/// first instructions. Ours blocks the stop signals at its entry point, before anything else;
/// tini in main. Before that the kernel is still in the exec (which resets handlers), or a
/// dynamic init in its loader: no program can act there, and on a loaded machine that lasts
/// a millisecond or more.
bool HoldsSigterm(int pid) {
  const std::string status = Slurp("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("SigBlk:");
  const bool held = at != std::string::npos &&
                    (std::stoull(status.substr(at + 7), nullptr, 16) & Bit(SIGTERM)) != 0;
  return held || FirstChild(pid) > 0;
}

struct Race {
  int lost = 0;   ///< sent once the init ran, still running 3 s later
  int early = 0;  ///< sent before its first instruction (the kernel's exec): not counted
  std::string detail;
};

/// Starts `init_argv` as PID 1 of a new PID namespace `tries` times; each time, once its
/// image is `exe` (the exec replaced unshare's), waits a random 0-20 ms and sends SIGTERM; a
/// run still going 3 s later lost it (`docker stop` waits for SIGKILL). Before the fix `run`
/// lost it until its handler was installed (after the option parsing, milliseconds in) and
/// again across the re-exec into the supervisor. At real-time priority (chrt), so that a
/// loaded machine does not stretch the kernel's exec into milliseconds.
Race LostStopSignals(const std::vector<std::string>& init_argv, const std::string& exe,
                     const std::map<std::string, std::string>& env, int tries, TempDir& dir) {
  Race race;
  std::string* detail = &race.detail;
  std::mt19937 rng(23);
  std::uniform_int_distribution<int> delay_us(0, 20000);
  static const bool realtime =
      RunProcess({"/usr/bin/chrt", "-f", "10", "/bin/true"}).exit_code == 0;
  std::vector<std::string> argv = init_argv;
  if (realtime) argv.insert(argv.begin(), {"/usr/bin/chrt", "-f", "10"});
  if (!realtime) *detail += "(chrt -f refused: normal priority) ";
  for (int i = 0; i < tries; ++i) {
    Background bg(argv, env, dir.path() + "/race.err");
    const int pid1 = bg.WaitPid1();
    if (pid1 <= 0) {
      *detail += "no PID 1 appeared; ";
      ++race.lost;
      continue;
    }
    const auto until = Clock::now() + 5s;
    while (Exe(pid1) != exe && Clock::now() < until) {
    }
    const int delay = delay_us(rng);
    std::this_thread::sleep_for(std::chrono::microseconds(delay));
    const bool started = HoldsSigterm(pid1);
    kill(pid1, SIGTERM);
    const int code = bg.Wait(3s);
    if (code == -1 && !started) {
      ++race.early;
    } else if (code == -1) {
      ++race.lost;
      *detail += "lost at " + std::to_string(delay) + " us; ";
    } else if (code != 128 + SIGTERM) {
      *detail += "exit " + std::to_string(code) + " at " + std::to_string(delay) + " us; ";
    }
  }
  return race;
}

// fault: signals | SIGTERM to `run --supervise` as PID 1 of a PID namespace 0-20 ms after its exec (docker stop right after docker run), 100 times at random delays | never lost once its first instruction ran (the entry point blocks the stop signals; they go to the handler or the supervisor's signalfd, across the re-exec too), each run ends with 143; tini measured beside
TEST_F(Pid1Test, NamespacePid1_NoStopSignalIsLostInTheFirstMilliseconds) {
  const int tries = 100;
  const Race ours =
      LostStopSignals(InNamespace(Supervised({"/bin/sleep", "30"})),
                      std::filesystem::canonical(BinaryPath()).string(), Env(), tries, dir_);
  const Race tini =
      LostStopSignals(InNamespace({kTini, "--", "/bin/sleep", "30"}), kTini, Env(), tries, dir_);
  std::cout << "SIGTERM 0-20 ms after the exec, of " << tries
            << ": netdata-preflight run --supervise lost " << ours.lost << " (and " << ours.early
            << " sent before its first instruction), tini lost " << tini.lost << " (and "
            << tini.early << ")\n";
  RecordProperty("lost_preflight", ours.lost);
  RecordProperty("lost_tini", tini.lost);
  EXPECT_EQ(ours.lost, 0) << ours.detail;
  EXPECT_EQ(ours.detail.find("exit "), std::string::npos)
      << "every run must end by the signal, 143: " << ours.detail;
  // The stop signals are held at the first instruction: only the kernel's exec comes before,
  // a small share of 0-20 ms. Were they held late, every try until then would land here.
  // The build before the fix, at this priority: 12 of 100 there; this one: none.
  EXPECT_LE(ours.early, tries / 20) << ours.detail;
}

// fault: signals | SIGTERM sent in the second after the program started, across the moment the supervisor re-execs itself lean (at the first tick), 20 times | each forwarded once: the program records it and exits 0
TEST_F(Pid1Test, NamespacePid1_NoSignalIsLostAcrossTheLeanReExec) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> delay_ms(850, 1250);
  for (int i = 0; i < 20; ++i) {
    const std::string record = dir_.path() + "/signals." + std::to_string(i);
    Background bg(InNamespace(Supervised({kChild, "record", record})), Env(), dir_.path() + "/err");
    const int pid1 = bg.WaitPid1();
    ASSERT_GT(pid1, 0);
    ASSERT_TRUE(WaitFor([&] { return Contains(Slurp(record), "ready"); }, 10s)) << bg.Err();
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)) - 50ms);
    ASSERT_EQ(kill(pid1, SIGTERM), 0);
    ASSERT_EQ(bg.Wait(5s), 0) << "try " << i << ": " << Slurp(record) << bg.Err();
    EXPECT_EQ(Slurp(record), "ready\n15\n");
  }
}

// ---- inherited ignores ------------------------------------------------------------------

// fault: signals | `run` started with SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGSEGV and SIGPIPE ignored (nohup, a background job of a script), with and without --supervise | the program starts with exactly those ignored (its SigIgn), as under tini; dumb-init, beside, resets them
TEST_F(Pid1Test, InheritedIgnoresReachTheProgram) {
  const uint64_t ignored =
      Bit(SIGHUP) | Bit(SIGINT) | Bit(SIGQUIT) | Bit(SIGUSR1) | Bit(SIGSEGV) | Bit(SIGPIPE);
  // signal_child ignore: the parent that ignores them; cat shows its own status (grep would
  // not do: GNU grep installs a SIGSEGV handler of its own).
  const std::string list = std::to_string(SIGHUP) + "," + std::to_string(SIGINT) + "," +
                           std::to_string(SIGQUIT) + "," + std::to_string(SIGUSR1) + "," +
                           std::to_string(SIGSEGV) + "," + std::to_string(SIGPIPE);
  auto under = [&](const std::vector<std::string>& init) {
    std::vector<std::string> argv = {kChild, "ignore", list};
    argv.insert(argv.end(), init.begin(), init.end());
    for (const char* a : {"/bin/cat", "/proc/self/status"}) argv.push_back(a);
    auto r = RunProcess(argv, Env());
    EXPECT_EQ(r.exit_code, 0) << init[0] << ": " << r.err;
    return IgnoredMask(r.out);
  };
  const std::vector<std::string> supervised = {BinaryPath(),  "run",         "--only",
                                               "claim.token", "--supervise", "--"};
  const std::vector<std::string> exec = {BinaryPath(), "run", "--only", "claim.token", "--"};
  const uint64_t tini = under({kTini, "-s", "--"});
  const uint64_t dumb = under({kDumbInit});
  EXPECT_EQ(under(supervised) & ignored, ignored) << std::hex << under(supervised);
  EXPECT_EQ(under(exec) & ignored, ignored) << std::hex << under(exec);
  std::cout << std::hex << "SigIgn of the program: wanted " << ignored << ", netdata-preflight "
            << under(supervised) << ", tini " << tini << ", dumb-init " << dumb << std::dec << "\n";
  // What the test itself passes on (a runner may ignore some signals, e.g. glibc's 32 and 33):
  // the program gets exactly that, no ignore of ours leaks.
  auto direct = RunProcess({"/bin/cat", "/proc/self/status"}, Env());
  auto r = RunProcess({BinaryPath(), "run", "--only", "claim.token", "--supervise", "--",
                       "/bin/cat", "/proc/self/status"},
                      Env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(IgnoredMask(r.out), IgnoredMask(direct.out)) << r.out;
}

// fault: signals | `nohup netdata-preflight run --supervise -- prog`, SIGHUP to `run` while it waits for the cloud (before the hand-off) and to the supervisor after | neither ends anything (nohup protects run and prog); SIGTERM still ends the wait at once with 143
TEST_F(Pid1Test, NohupProtectsRunAndTheProgramFromSighup) {
  auto env = Env();
  env["NETDATA_CLAIM_URL"] = "https://127.0.0.1:9";  // nothing listens: the wait goes on
  Background waiting({"/usr/bin/nohup", BinaryPath(), "run", "--wait-for-cloud", "60s",
                      "--supervise", "--", "/bin/true"},
                     env, dir_.path() + "/wait.err");
  std::this_thread::sleep_for(700ms);  // inside the wait
  ASSERT_EQ(Exe(waiting.pid()), std::filesystem::canonical(BinaryPath()).string());
  ASSERT_EQ(kill(waiting.pid(), SIGHUP), 0);
  EXPECT_EQ(waiting.Wait(500ms), -1) << "SIGHUP ended a nohup'd run: " << waiting.Err();
  ASSERT_EQ(kill(waiting.pid(), SIGTERM), 0);
  EXPECT_EQ(waiting.Wait(2s), 128 + SIGTERM) << waiting.Err();

  const std::string record = dir_.path() + "/signals";
  Background bg(
      {"/usr/bin/nohup", BinaryPath(), "run", "--only", "claim.token", "--supervise", "--",
       "/bin/sh", "-c", "echo ready > " + record + "; sleep 1.5; echo done >> " + record},
      Env(), dir_.path() + "/err");
  ASSERT_TRUE(WaitFor([&] { return Contains(Slurp(record), "ready"); }, 10s)) << bg.Err();
  ASSERT_EQ(kill(bg.pid(), SIGHUP), 0);  // forwarded to the program, which ignores it
  EXPECT_EQ(bg.Wait(10s), 0) << bg.Err();
  EXPECT_EQ(Slurp(record), "ready\ndone\n");
}

// ---- what ps shows ----------------------------------------------------------------------

// fault: input | `ps` / `docker top` in a container whose PID 1 is the supervisor, after its lean re-exec | PID 1 shows as `<path>/netdata-preflight run --supervise -- ...` (the command started) with the name netdata-preflig(ht), never `exe __supervise <ms>`
TEST_F(Pid1Test, NamespacePid1_PsShowsTheCommandThatWasStarted) {
  const auto argv = Supervised({"/bin/sleep", "30"});
  Background bg(InNamespace(argv), Env(), dir_.path() + "/err");
  const int pid1 = bg.WaitPid1();
  ASSERT_GT(pid1, 0);
  ASSERT_TRUE(WaitFor([&] { return State(FirstChild(pid1)) == 'S'; }, 5s));
  std::this_thread::sleep_for(1500ms);  // past the first tick: the lean supervisor now
  std::string expected;
  for (const auto& a : argv) expected += a + '\0';
  // The arguments, rewritten in place, are followed by the NULs of what they replaced.
  std::string cmdline = Slurp("/proc/" + std::to_string(pid1) + "/cmdline");
  cmdline.erase(cmdline.find_last_not_of('\0') + 1);
  EXPECT_EQ(cmdline + '\0', expected);
  const std::string name = std::filesystem::path(BinaryPath()).filename().string().substr(0, 15);
  EXPECT_EQ(Slurp("/proc/" + std::to_string(pid1) + "/comm"), name + "\n");
  auto ps = RunProcess({"/bin/ps", "-o", "args=", "-p", std::to_string(pid1)});
  EXPECT_EQ(ps.out.rfind(BinaryPath() + " run --only claim.token --supervise -- /bin/sleep 30", 0),
            0u)
      << ps.out;
  kill(pid1, SIGTERM);
  EXPECT_EQ(bg.Wait(10s), 128 + SIGTERM) << bg.Err();
}

// ---- fds, process group, argv and environment --------------------------------------------

// fault: input | an fd the container runtime passes (fd 5, not close-on-exec) and the supervisor's own (signalfd) | the program has 0, 1, 2, 5 and exactly the fds tini passes, before and after the lean re-exec; it leads its own process group
TEST_F(Pid1Test, TheProgramGetsThePassedFdsOnlyAndLeadsItsOwnGroup) {
  // The shell opens fd 5 and execs the init; signal_child fds prints what the program has.
  for (const char* wait : {"0", "1300"}) {
    SCOPED_TRACE(std::string(wait) == "0" ? "before the re-exec" : "after the re-exec");
    auto ours = RunProcess({"/bin/sh", "-c",
                            "exec 5</dev/null; exec \"$0\" run --only claim.token --supervise -- "
                            "\"$1\" fds \"$2\"",
                            BinaryPath(), kChild, wait},
                           Env());
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    auto tini =
        RunProcess({"/bin/sh", "-c", "exec 5</dev/null; exec \"$0\" -s -- \"$1\" fds \"$2\"", kTini,
                    kChild, wait},
                   Env());
    std::istringstream lines(ours.out);
    std::string fds, ids;
    std::getline(lines, fds);
    std::getline(lines, ids);
    // What the shell passes (5, and whatever the test runner left open, e.g. ctest -j's fds):
    // the program started directly by the same shell sees exactly that; ours adds none.
    auto direct = RunProcess(
        {"/bin/sh", "-c", "exec 5</dev/null; exec \"$0\" fds \"$1\"", kChild, wait}, Env());
    const std::string passed = direct.out.substr(0, direct.out.find('\n'));
    EXPECT_NE((" " + passed + " ").find(" 5 "), std::string::npos) << direct.out;
    EXPECT_EQ(fds, passed) << ours.out;
    EXPECT_EQ(fds + "\n", tini.out.substr(0, tini.out.find('\n') + 1)) << "tini: " << tini.out;
    std::istringstream pair(ids);
    long pid = 0, pgid = 0;
    pair >> pid >> pgid;
    EXPECT_EQ(pid, pgid) << "the program leads its own process group: " << ids;
  }
}

// fault: input | 20 000 arguments (about 420 kB) and a 100 kB environment variable, a program that outlives the lean re-exec (which carries the arguments again) | the program gets every argument and the variable unchanged
TEST_F(Pid1Test, LargeArgvAndEnvironmentReachTheProgramUnchanged) {
  std::vector<std::string> args = {"/bin/sh", "-c",
                                   "sleep 1.3; echo \"$#\" \"$1\" \"${20000}\"; "
                                   "printf %s \"$BIG\" | md5sum",
                                   "sh"};
  for (int i = 1; i <= 20000; ++i) args.push_back("argument-number-" + std::to_string(i));
  auto env = Env();
  std::string big;
  for (int i = 0; big.size() < 100000; ++i) big += std::to_string(i) + "=x ";
  env["BIG"] = big;
  auto ours = RunProcess(Supervised(args), env, 30s);
  ASSERT_EQ(ours.exit_code, 0) << ours.err.substr(0, 2000);
  std::vector<std::string> reference = {"/bin/sh", "-c", "printf %s \"$BIG\" | md5sum"};
  auto md5 = RunProcess(reference, env);
  EXPECT_EQ(ours.out, "20000 argument-number-1 argument-number-20000\n" + md5.out);
}

// ---- rapid signals ----------------------------------------------------------------------

// fault: signals | every real-time signal sent 5 times back to back, and 300 SIGUSR1 as fast as kill(2) goes, to PID 1 | each real-time signal reaches the program exactly 5 times (they queue), SIGUSR1 at least once; SIGTERM then still ends it with exit 0
TEST_F(Pid1Test, NamespacePid1_RapidSignalsAreForwardedAndRealTimeOnesCounted) {
  const std::string record = dir_.path() + "/signals";
  Background bg(InNamespace({BinaryPath(), "run", "--only", "claim.token", "--supervise", "--grace",
                             "60s", "--", kChild, "record", record}),
                Env(), dir_.path() + "/err");
  const int pid1 = bg.WaitPid1();
  ASSERT_GT(pid1, 0);
  ASSERT_TRUE(WaitFor([&] { return Contains(Slurp(record), "ready"); }, 10s)) << bg.Err();
  for (int round = 0; round < 5; ++round) {
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) ASSERT_EQ(kill(pid1, sig), 0);
  }
  for (int i = 0; i < 300; ++i) ASSERT_EQ(kill(pid1, SIGUSR1), 0);
  auto count = [&](int sig) {
    std::istringstream in(Slurp(record));
    std::string line;
    int n = 0;
    while (std::getline(in, line)) n += line == std::to_string(sig) ? 1 : 0;
    return n;
  };
  EXPECT_TRUE(WaitFor(
      [&] {
        for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) {
          if (count(sig) < 5) return false;
        }
        return count(SIGUSR1) >= 1;
      },
      10s))
      << Slurp(record);
  std::this_thread::sleep_for(200ms);  // nothing more arrives
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) EXPECT_EQ(count(sig), 5) << "signal " << sig;
  ASSERT_EQ(kill(pid1, SIGTERM), 0);
  EXPECT_EQ(bg.Wait(10s), 0) << bg.Err();
}

// ---- job control on a terminal -----------------------------------------------------------

/// An interactive bash on a new pseudo-terminal, driven as a user types.
class Terminal {
 public:
  explicit Terminal(const std::map<std::string, std::string>& env) {
    master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return;
    const std::string slave = ptsname(master_);
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    env_strings.push_back("PS1=PROMPT> ");
    env_strings.push_back("TERM=dumb");
    shell_ = fork();
    if (shell_ == 0) {
      setsid();
      const int fd = open(slave.c_str(), O_RDWR);  // the controlling terminal now
      dup2(fd, 0);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> envp;
      for (auto& e : env_strings) envp.push_back(e.data());
      envp.push_back(nullptr);
      const char* argv[] = {"/bin/bash", "--norc", "--noprofile", "-i", nullptr};
      execve(argv[0], const_cast<char**>(argv), envp.data());
      _exit(127);
    }
  }
  ~Terminal() {
    if (shell_ > 0) {
      kill(shell_, SIGKILL);
      waitpid(shell_, nullptr, 0);
    }
    if (master_ >= 0) close(master_);
  }
  bool ok() const { return master_ >= 0 && shell_ > 0; }
  int shell() const { return shell_; }

  void Type(const std::string& text) {
    ssize_t n = write(master_, text.data(), text.size());
    (void)n;
  }
  /// Reads until the output since the last Expect contains `what`, up to `timeout`.
  bool Expect(const std::string& what, std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    for (;;) {
      if (auto at = seen_.find(what); at != std::string::npos) {
        seen_.erase(0, at + what.size());
        return true;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = read(master_, buf, sizeof buf);
      if (n <= 0) return false;
      seen_.append(buf, static_cast<size_t>(n));
      all_.append(buf, static_cast<size_t>(n));
    }
  }
  const std::string& all() const { return all_; }

 private:
  int master_ = -1;
  pid_t shell_ = -1;
  std::string seen_, all_;
};

/// Kills the processes a terminal test started, whatever the test's outcome.
struct KillOnExit {
  std::vector<int> pids;
  ~KillOnExit() {
    for (int pid : pids) {
      if (pid > 0) kill(pid, SIGKILL);
    }
  }
};

/// The `init` the shell runs in the foreground, and the program under it: (init, program).
std::pair<int, int> JobOf(int shell) {
  int init = -1, program = -1;
  WaitFor(
      [&] {
        init = FirstChild(shell);
        program = init > 0 ? FirstChild(init) : -1;
        return program > 0 && Exe(program) == "/usr/bin/sleep";
      },
      10s);
  return {init, program};
}

// fault: signals | Ctrl-Z on a terminal while `run --supervise -- sleep` runs as a shell's foreground job, then `fg`, then Ctrl-C | the shell gets its prompt back (supervisor and program stopped), `fg` continues both and gives the terminal back to the program, Ctrl-C ends it with 130; tini, beside, leaves the shell hanging
TEST_F(Pid1Test, CtrlZOnATerminalStopsTheJobAndFgContinuesIt) {
  Terminal term(Env());
  ASSERT_TRUE(term.ok()) << "no pseudo-terminal";
  ASSERT_TRUE(term.Expect("PROMPT> ", 10s)) << term.all();
  term.Type(BinaryPath() + " run --only claim.token --supervise -- /bin/sleep 60\n");
  auto [init, program] = JobOf(term.shell());
  KillOnExit cleanup{{program, init}};
  ASSERT_GT(program, 0) << term.all();
  // The program is its own group and the terminal's foreground one (it reads the terminal).
  EXPECT_EQ(StatField(program, 2), program);
  EXPECT_EQ(StatField(program, 5), program) << "tpgid: the program is the foreground";
  term.Type("\x1a");  // Ctrl-Z
  const bool prompt = term.Expect("Stopped", 5s);
  EXPECT_TRUE(prompt) << "the shell has no prompt back: " << term.all();
  EXPECT_TRUE(term.Expect("PROMPT> ", 5s)) << term.all();
  EXPECT_EQ(State(init), 'T');
  EXPECT_EQ(State(program), 'T');
  term.Type("fg\n");
  EXPECT_TRUE(WaitFor([&] { return State(program) == 'S' && State(init) == 'S'; }, 5s))
      << State(init) << State(program) << term.all();
  EXPECT_TRUE(WaitFor([&] { return StatField(program, 5) == program; }, 5s))
      << "the terminal is the program's again";
  term.Type("\x03");  // Ctrl-C: SIGINT to the foreground group, the program's
  EXPECT_TRUE(term.Expect("PROMPT> ", 10s)) << term.all();
  term.Type("echo rc=$?\n");
  EXPECT_TRUE(term.Expect("rc=130", 5s)) << term.all();

  // tini, the same way: the program stops, tini does not, the shell waits.
  Terminal ref(Env());
  ASSERT_TRUE(ref.Expect("PROMPT> ", 10s)) << ref.all();
  ref.Type(kTini + " -s -- /bin/sleep 60\n");
  auto [tini, tini_program] = JobOf(ref.shell());
  KillOnExit tini_cleanup{{tini_program, tini}};
  ASSERT_GT(tini_program, 0) << ref.all();
  ref.Type("\x1a");
  const bool tini_prompt = ref.Expect("PROMPT> ", 1500ms);
  std::cout << "Ctrl-Z: the shell got its prompt back under netdata-preflight: "
            << (prompt ? "yes" : "no") << "; under tini: " << (tini_prompt ? "yes" : "no") << "\n";
}

}  // namespace
}  // namespace preflight::testing
