// Black-box: `run` and `run --supervise` as a container runs them. No Docker engine exists
// here: a container is emulated with a fresh PID namespace (`unshare --pid --fork
// --mount-proc`), where the static binary is PID 1 — hence the `NamespacePid1_` names.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "blackbox/background.h"
#include "blackbox/run_util.h"
#include "container/state/owner_lease.h"
#include "container/state/run_records.h"

namespace preflight::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kChild = PREFLIGHT_SIGNAL_CHILD;
const std::vector<std::string> kPid1 = {"/usr/bin/unshare", "--pid", "--fork", "--mount-proc"};

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Lines of a signal_child record file, as numbers (the "ready" line skipped).
std::vector<int> Signals(const std::string& path) {
  std::vector<int> out;
  std::istringstream in(Slurp(path));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line != "ready") out.push_back(std::stoi(line));
  }
  return out;
}

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!IsRoot()) GTEST_SKIP() << "needs root for PID namespaces (CI runs the tests as root)";
    static int usable = -1;
    if (usable < 0) {
      auto r = RunProcess({"/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "/bin/true"});
      usable = r.exit_code == 0 ? 1 : 0;
      if (!usable) unshare_error_ = r.err;
    }
    if (!usable) GTEST_SKIP() << "this kernel refuses PID namespaces: " << unshare_error_;
    var_lib_ = dir_.Mkdir("var/lib/netdata");
    dir_.Mkdir("etc/netdata");
    dir_.Mkdir("var/cache/netdata");
    // Stand-ins for the image's volumes, owned as the netdata image owns them (uid/gid 201),
    // so container.volume judges them as it would a correct volume.
    ::chmod(dir_.path().c_str(), 0755);
    for (const char* d : {"var/lib/netdata", "etc/netdata", "var/cache/netdata"}) {
      const std::string path = dir_.path() + "/" + d;
      EXPECT_EQ(::chown(path.c_str(), 201, 201), 0) << path;
    }
  }

  std::map<std::string, std::string> Env() const {
    return {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
            {"PREFLIGHT_VAR_LIB", var_lib_},
            {"PREFLIGHT_CONFIG_DIR", dir_.path() + "/etc/netdata"},
            {"PREFLIGHT_CACHE_DIR", dir_.path() + "/var/cache/netdata"}};
  }

  /// `netdata-preflight run ARGS` as PID 1 of a new PID namespace.
  std::vector<std::string> Pid1(const std::vector<std::string>& run_args) const {
    std::vector<std::string> argv = kPid1;
    argv.push_back(BinaryPath());
    argv.push_back("run");
    argv.insert(argv.end(), run_args.begin(), run_args.end());
    return argv;
  }

  ProcessResult RunPid1(const std::vector<std::string>& run_args,
                        std::chrono::milliseconds timeout = 30s) {
    return RunProcess(Pid1(run_args), Env(), timeout);
  }

  container::LoadedRuns Records() {
    std::string text = Slurp(var_lib_ + "/preflight/runs.json");
    container::LoadedRuns out;
    auto parsed = container::ParseRunRecords(text);
    if (parsed.ok()) {
      out.records = *parsed;
    } else {
      out.problem = parsed.error().message;
    }
    return out;
  }

  TempDir dir_;
  std::string var_lib_;
  static std::string unshare_error_;
};
std::string RunTest::unshare_error_;

// ---- exit codes -------------------------------------------------------------------------

TEST_F(RunTest, NamespacePid1_ExitCodes0To255PassThrough) {
  for (int code = 0; code <= 255; ++code) {
    auto r = RunPid1(
        {"--only", "claim.token", "--supervise", "--", kChild, "exit", std::to_string(code)});
    ASSERT_EQ(r.exit_code, code) << r.err;
  }
}

// fault: signals | supervised program dies of SIGHUP, SIGINT, SIGKILL, SIGSEGV, SIGTERM, SIGABRT or SIGUSR1 | `run --supervise` as PID 1 exits 128+N
TEST_F(RunTest, NamespacePid1_SignalDeathsExit128PlusN) {
  for (int sig : {SIGHUP, SIGINT, SIGKILL, SIGSEGV, SIGTERM, SIGABRT, SIGUSR1}) {
    auto r = RunPid1(
        {"--only", "claim.token", "--supervise", "--", kChild, "kill", std::to_string(sig)});
    EXPECT_EQ(r.exit_code, 128 + sig) << "signal " << sig << ": " << r.err;
  }
}

// fault: input | program to hand off to does not exist, or is not executable | exit 127 naming the path and "No such file or directory", 126 "Permission denied" (exec and --supervise)
TEST_F(RunTest, NamespacePid1_ExecFailuresExit127And126WithTheReason) {
  const std::string not_exec = dir_.Write("not-executable", "#!/bin/sh\nexit 0\n", 0644);
  for (bool supervise : {true, false}) {
    std::vector<std::string> base = {"--only", "claim.token"};
    if (supervise) base.push_back("--supervise");
    auto args = base;
    args.insert(args.end(), {"--", "/nonexistent/program"});
    auto r = RunPid1(args);
    EXPECT_EQ(r.exit_code, 127) << r.err;
    EXPECT_TRUE(Contains(r.err, "/nonexistent/program")) << r.err;
    EXPECT_TRUE(Contains(r.err, "No such file or directory")) << r.err;
    args = base;
    args.insert(args.end(), {"--", not_exec});
    r = RunPid1(args);
    EXPECT_EQ(r.exit_code, 126) << r.err;
    EXPECT_TRUE(Contains(r.err, "Permission denied")) << r.err;
  }
}

// ---- signals ----------------------------------------------------------------------------

// fault: signals | every forwardable signal (SIGHUP … SIGSTKFLT, SIGTSTP, SIGRTMIN..SIGRTMAX) sent to PID 1 | each reaches the program exactly once; SIGTERM then ends it with exit 0
TEST_F(RunTest, NamespacePid1_ForwardsEveryForwardableSignal) {
  const std::string record = dir_.path() + "/signals";
  Background bg(Pid1({"--only", "claim.token", "--supervise", "--grace", "60s", "--", kChild,
                      "record", record}),
                Env(), dir_.path() + "/err");
  const int pid1 = bg.WaitPid1();
  ASSERT_GT(pid1, 0);
  ASSERT_TRUE(WaitFor([&] { return Contains(Slurp(record), "ready"); }, 10s)) << bg.Err();
  std::vector<int> sent = {SIGHUP,  SIGINT,  SIGQUIT,  SIGUSR1, SIGUSR2, SIGPIPE,
                           SIGALRM, SIGCONT, SIGWINCH, SIGURG,  SIGTSTP, SIGVTALRM,
                           SIGPROF, SIGIO,   SIGPWR,   SIGXCPU, SIGXFSZ, SIGSTKFLT};
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) sent.push_back(sig);
  for (int sig : sent) {
    ASSERT_EQ(kill(pid1, sig), 0);
    ASSERT_TRUE(WaitFor(
        [&] {
          auto got = Signals(record);
          return std::count(got.begin(), got.end(), sig) == 1;
        },
        3s))
        << "signal " << sig << " did not reach the program; got: " << Slurp(record) << bg.Err();
  }
  ASSERT_EQ(kill(pid1, SIGTERM), 0);
  EXPECT_EQ(bg.Wait(10s), 0) << bg.Err();
  auto got = Signals(record);
  EXPECT_EQ(got.back(), SIGTERM);
  EXPECT_EQ(got.size(), sent.size() + 1) << "each signal exactly once: " << Slurp(record);
}

// fault: signals | SIGUSR1 to PID 1 while the program has a child in its process group | with --signal-group the whole group gets it; without, only the program
TEST_F(RunTest, NamespacePid1_SignalGroupReachesTheWholeGroup) {
  for (bool group : {true, false}) {
    SCOPED_TRACE(group ? "--signal-group" : "program only");
    const std::string record = dir_.path() + (group ? "/group" : "/single");
    std::vector<std::string> args = {"--only", "claim.token", "--supervise"};
    if (group) args.push_back("--signal-group");
    args.insert(args.end(), {"--", kChild, "group", record});
    Background bg(Pid1(args), Env(), dir_.path() + "/err");
    const int pid1 = bg.WaitPid1();
    ASSERT_TRUE(WaitFor([&] { return Contains(Slurp(record), "ready"); }, 10s)) << bg.Err();
    ASSERT_EQ(kill(pid1, SIGUSR1), 0);
    const bool reached = WaitFor(
        [&] {
          auto s = Signals(record);
          return !s.empty() && s[0] == SIGUSR1;
        },
        group ? 3s : 500ms);
    EXPECT_EQ(reached, group) << Slurp(record);
    kill(pid1, SIGTERM);
    EXPECT_NE(bg.Wait(15s), -1) << bg.Err();
  }
}

// fault: signals | program ignores SIGTERM | SIGKILL once --grace (700 ms) is over, not before; exit 137
TEST_F(RunTest, NamespacePid1_IgnoredSigtermEndsInSigkillAfterTheGrace) {
  const std::string ready = dir_.path() + "/ready";
  Background bg(Pid1({"--only", "claim.token", "--supervise", "--grace", "700ms", "--", kChild,
                      "ignore-term", ready}),
                Env(), dir_.path() + "/err");
  const int pid1 = bg.WaitPid1();
  ASSERT_TRUE(WaitFor([&] { return Contains(Slurp(ready), "ready"); }, 10s)) << bg.Err();
  const auto sent = Clock::now();
  ASSERT_EQ(kill(pid1, SIGTERM), 0);
  const int code = bg.Wait(10s);
  const auto took = Clock::now() - sent;
  EXPECT_EQ(code, 128 + SIGKILL) << bg.Err();
  EXPECT_GE(took, 650ms) << "SIGKILL came before the grace ended";
  EXPECT_LE(took, 700ms + 1500ms) << "the grace is the bound";
}

// fault: signals | program exits leaving a grandchild running | the grandchild gets SIGTERM (not SIGKILL); the exit code is the program's
TEST_F(RunTest, NamespacePid1_ProcessesLeftBehindGetSigtermAndTheExitCodeIsTheProgramS) {
  const std::string record = dir_.path() + "/left";
  auto r = RunPid1(
      {"--only", "claim.token", "--supervise", "--grace", "5s", "--", kChild, "leave", record});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto got = Signals(record);
  ASSERT_EQ(got.size(), 1u) << "the grandchild was asked to stop, not killed: " << Slurp(record);
  EXPECT_EQ(got[0], SIGTERM);
}

// ---- reaping ----------------------------------------------------------------------------

// fault: signals | 1000 orphaned grandchildren re-parented to PID 1 | all reaped, exit 0
TEST_F(RunTest, NamespacePid1_ReapsAThousandOrphanedGrandchildren) {
  auto r = RunPid1({"--only", "claim.token", "--supervise", "--", kChild, "orphans", "1000"}, 60s);
  EXPECT_EQ(r.exit_code, 0) << "zombies left: " << r.err;
}

TEST_F(RunTest, SubreaperWhenNotPid1AndNoWarning) {
  // Not PID 1: orphans are re-parented to the supervisor only because it registered as a
  // child subreaper; the program's exit code still passes through and nothing is printed.
  auto r = RunProcess({BinaryPath(), "run", "--only", "claim.token", "--supervise", "--", "/bin/sh",
                       "-c", "sleep 0.2 & exit 5"},
                      Env());
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

// ---- refusing ---------------------------------------------------------------------------

// fault: claiming | a quoted claim token, the only claim source, at `run` | exit 78, program never started; stderr and termination log name claim.token, never the token; run recorded as refused
TEST_F(RunTest, NamespacePid1_FailingCheckExits78AndNothingStarts) {
  const std::string marker = dir_.path() + "/started";
  const std::string term_log = dir_.Write("termination-log", "");
  // Quotes become part of the token and no other source can take over: certain to fail.
  const std::string token = "\"" + FakeClaimToken() + "\"";
  for (bool supervise : {false, true}) {
    std::vector<std::string> args = {"--termination-log", term_log};
    if (supervise) args.push_back("--supervise");
    args.insert(args.end(), {"--", "/usr/bin/touch", marker});
    auto env = Env();
    env["NETDATA_CLAIM_TOKEN"] = token;
    auto r = RunProcess(Pid1(args), env);
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_TRUE(r.out.empty()) << "stdout belongs to the agent: " << r.out;
    EXPECT_TRUE(Contains(r.err, "claim.token")) << r.err;
    EXPECT_TRUE(Contains(r.err, "not starting `/usr/bin/touch`")) << r.err;
    EXPECT_FALSE(Contains(r.err, FakeClaimToken())) << "the token leaked";
    EXPECT_NE(access(marker.c_str(), F_OK), 0) << "the program was started";
    const std::string log = Slurp(term_log);
    EXPECT_TRUE(Contains(log, "claim.token")) << log;
    EXPECT_FALSE(Contains(log, FakeClaimToken()));
  }
  auto records = Records();
  ASSERT_EQ(records.records.size(), 2u) << records.problem;
  EXPECT_EQ(records.records.back().mode, "refused");
  EXPECT_EQ(records.records.back().exit_code, 78);
}

// fault: input | bad `run` options: --grace soon, --link-timeout 0s, --fail-on sometimes, --offline with --require-cloud, unknown flag, PREFLIGHT_GRACE=whenever | exit 64 with a one-line error (naming --grace for the variable)
TEST_F(RunTest, UsageErrorsExit64) {
  const std::vector<std::vector<std::string>> cases = {
      {"run", "--online", "--wait-for-cloud", "5s", "--", "/bin/true"},
      {"run", "--grace", "soon", "--", "/bin/true"},
      {"run", "--link-timeout", "0s", "--", "/bin/true"},
      {"run", "--fail-on", "sometimes", "--", "/bin/true"},
      {"run", "--offline", "--require-cloud", "--", "/bin/true"},
      {"run", "--frobnicate", "/bin/true"},
  };
  for (const auto& args : cases) {
    auto r = RunPreflight(args, Env());
    EXPECT_EQ(r.exit_code, 64) << args[1] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  auto env = Env();
  env["PREFLIGHT_GRACE"] = "whenever";
  auto r = RunPreflight({"run", "--supervise", "--", "/bin/true"}, env);
  EXPECT_EQ(r.exit_code, 64) << r.err;
  EXPECT_TRUE(Contains(r.err, "--grace")) << r.err;
}

TEST_F(RunTest, OnlineReportsTheNetworkChecksOnStderrAndStillHandsOff) {
  for (const char* flag : {"--online", "--require-cloud"}) {
    auto r = RunProcess({BinaryPath(), "run", flag, "--deadline", "3s", "--", "/bin/echo", "agent"},
                        Env(), 20s);
    // Whatever the network answers here, --online never blocks; --require-cloud blocks only
    // on a network check that failed, and then names it.
    if (std::string(flag) == "--online" || r.exit_code == 0) {
      EXPECT_EQ(r.exit_code, 0) << flag << ": " << r.err;
      EXPECT_EQ(r.out, "agent\n") << "stdout belongs to the program";
    } else {
      EXPECT_EQ(r.exit_code, 78) << r.err;
      EXPECT_TRUE(Contains(r.err, "not starting `/bin/echo`: network.")) << r.err;
    }
    EXPECT_TRUE(Contains(r.err, "network.dns"))
        << flag << ": the network checks are reported: " << r.err;
  }
}

// fault: input | the path to Netdata Cloud unchecked: `run` before its hand-off (also with --offline), `check --offline`, `check --only cloud.link` | the verdict says what to use: "--online checks it" for run, "run without it" for check --offline, "no network check was selected" for --only; it never vouches for local checks that did not run
TEST_F(RunTest, TheVerdictNamesTheWayToCheckThePathForEachCommand) {
  auto env = Env();
  // 96 characters of a token's alphabet: a warning (cut short?), so that `run` speaks.
  std::string token;
  for (int i = 0; i < 96; ++i)
    token += "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[i % 62];
  env["NETDATA_CLAIM_TOKEN"] = token;
  for (const char* offline : {"", "--offline"}) {
    std::vector<std::string> args = {BinaryPath(), "run"};
    if (*offline) args.push_back(offline);
    for (const char* a : {"--", "/bin/true"}) args.push_back(a);
    auto r = RunProcess(args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.err,
                         "the path to Netdata Cloud is not checked before the hand-off "
                         "(--online checks it)"))
        << offline << ": " << r.err;
    EXPECT_FALSE(Contains(r.err, "run without")) << r.err;
  }
  auto summary = [&](std::vector<std::string> args) {
    auto r = RunProcess(args, env);
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    return doc.is_object() ? doc["verdict"]["summary"].get<std::string>() : r.out + r.err;
  };
  std::string offline = summary({BinaryPath(), "check", "--offline", "--format", "json"});
  EXPECT_TRUE(Contains(offline, "was not checked (--offline: run without it to check it)"))
      << offline;
  std::string only_link = summary({BinaryPath(), "check", "--only", "cloud.link", "--api",
                                   "http://127.0.0.1:9", "--format", "json"});
  EXPECT_EQ(only_link.rfind("The path to Netdata Cloud was not checked (no network check was "
                            "selected).",
                            0),
            0u)
      << only_link;
}

TEST_F(RunTest, EnvironmentOptionsApply) {
  auto env = Env();
  env["PREFLIGHT_SUPERVISE"] = "1";
  env["PREFLIGHT_ONLY"] = "claim.token";
  auto r = RunProcess(Pid1({"--", kChild, "exit", "9"}), env);
  EXPECT_EQ(r.exit_code, 9) << r.err;
  auto records = Records();
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  EXPECT_EQ(records.records[0].mode, "supervise") << "PREFLIGHT_SUPERVISE was not read";
}

// ---- hand-off ---------------------------------------------------------------------------

TEST_F(RunTest, ExecModeKeepsThePidArgvAndEnvironment) {
  auto env = Env();
  env["SOME_AGENT_SETTING"] = "kept as is";
  auto r = RunProcess({BinaryPath(), "run", "--only", "claim.token", "--", "/bin/sh", "-c",
                       "echo \"pid=$$ arg=$1 env=$SOME_AGENT_SETTING\"", "sh", "--weird arg"},
                      env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "arg=--weird arg env=kept as is")) << r.out;
  auto records = Records();  // on disk before the exec: no waiting
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  const auto& rec = records.records[0];
  EXPECT_TRUE(Contains(r.out, "pid=" + std::to_string(rec.pid))) << "exec keeps the pid: " << r.out;
  EXPECT_EQ(rec.mode, "exec");
  EXPECT_FALSE(rec.end_ms.has_value()) << "exec mode cannot see the end";
}

// fault: records | exec mode: the owner lease and the run record must survive a program that dies at once | both are on disk before the exec (one batch, three fsyncs): the program reads its own start record, and no child of ours is left to it
TEST_F(RunTest, ExecModeRecordsAreOnDiskWhenTheProgramStartsAndItHasNoChild) {
  // `read` is a shell builtin: the children file is read before the shell forks anything.
  const std::string runs = var_lib_ + "/preflight/runs.json";
  const std::string lease = var_lib_ + "/preflight/owner.json";
  auto r = RunProcess({BinaryPath(), "run", "--", "/bin/sh", "-c",
                       "read c < /proc/$$/task/$$/children; echo \"children=[$c]\"; echo pid=$$; "
                       "cat " +
                           runs + " " + lease},
                      Env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "children=[]")) << r.out;
  auto records = Records();
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  const std::string pid = std::to_string(records.records[0].pid);
  EXPECT_TRUE(Contains(r.out, "pid=" + pid)) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"pid\":" + pid)) << "the program saw its own record: " << r.out;
  EXPECT_TRUE(Contains(r.out, "\"heartbeat\"")) << "and the lease: " << r.out;
}

// fault: records | restarts again and again (a crash loop), then a one-shot `check` by hand | the volume holds runs.json, owner.json and one spare of each, nothing else; the spares are swapped in, no file is made per start; `check` writes nothing
TEST_F(RunTest, StartsWriteTwoFilesAndTheirSparesAndCheckWritesNothing) {
  const std::string dir = var_lib_ + "/preflight";
  auto listing = [&] {
    std::map<std::string, ino_t> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      struct stat st {};
      ::lstat(e.path().c_str(), &st);
      out[e.path().filename().string()] = st.st_ino;
    }
    return out;
  };
  for (int i = 0; i < 2; ++i) {
    auto r = RunProcess({BinaryPath(), "run", "--", "/bin/true"}, Env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto settled = listing();
  std::set<std::string> names;
  for (const auto& [name, ino] : settled) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"runs.json", "owner.json", ".runs.json.spare",
                                          ".owner.json.spare"}));
  std::set<ino_t> inodes;
  for (const auto& [name, ino] : settled) inodes.insert(ino);
  for (int i = 0; i < 3; ++i) {
    auto r = RunProcess({BinaryPath(), "run", "--", "/bin/true"}, Env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::set<ino_t> now;
    for (const auto& [name, ino] : listing()) now.insert(ino);
    EXPECT_EQ(now, inodes) << "start " << i << " made a new file instead of swapping a spare";
  }
  auto records = Records();
  ASSERT_TRUE(records.problem.empty()) << records.problem;
  EXPECT_EQ(records.records.size(), 5u);
  const auto before = listing();
  const std::string runs_before = Slurp(dir + "/runs.json");
  auto c = RunProcess({BinaryPath(), "check", "--offline"}, Env());
  EXPECT_NE(c.exit_code, 64) << c.err;
  EXPECT_EQ(listing(), before) << "check wrote in the volume";
  EXPECT_EQ(Slurp(dir + "/runs.json"), runs_before);
}

// fault: records | exec mode, <var-lib>/preflight read-only (a read-only bind in an emulated container's mount namespace) | the hand-off goes on (exit of the program), one warning naming runs.json and "Read-only file system"
// fault: input | `run --var-lib` of a directory that does not exist (a typo, a volume mounted at another path) | hands off (exit 0) and creates nothing there: no root-owned 0755 var-lib in the agent's way
TEST_F(RunTest, AVarLibThatDoesNotExistIsNotCreated) {
  const std::string missing = dir_.path() + "/var/lib/netdatta";
  auto r = RunProcess(
      {BinaryPath(), "run", "--var-lib", missing, "--", "/bin/sh", "-c", "echo started"}, Env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "started\n");
  EXPECT_NE(::access(missing.c_str(), F_OK), 0) << "created by the tool: " << r.err;
}

// fault: records | the owner lease cannot be refreshed while the agent runs: a read-only volume, or a var-lib that does not exist (a supervised run past two heartbeats) | said once, not at every heartbeat (20 s); nothing said, and nothing created, for a missing var-lib
TEST_F(RunTest, NamespaceContainer_SupervisorSaysALeaseProblemOnceNotAtEveryHeartbeat) {
  const std::string preflight = dir_.Mkdir("var/lib/netdata/preflight");
  const std::string missing = dir_.path() + "/var/lib/netdatta";
  const std::string ro_err = dir_.path() + "/ro.err", missing_err = dir_.path() + "/missing.err";
  // Two heartbeats: at the first tick and kLeaseHeartbeatInterval (20 s) later.
  const std::string child = " --supervise -- sleep 25";
  const std::string script =
      "mount --bind " + preflight + " " + preflight + " && mount -o remount,bind,ro " + preflight +
      " && { " + BinaryPath() + " run --fail-on never" + child + " 2>" + ro_err + " & " +
      BinaryPath() + " run --var-lib " + missing + child + " 2>" + missing_err + " & wait; }";
  auto r = RunProcess({"/usr/bin/unshare", "--mount", "--", "/bin/sh", "-c", script}, Env(), 60s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto count = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  const std::string ro = Slurp(ro_err);
  EXPECT_EQ(count(ro, "owner lease: create a temp file beside"), 1) << ro;
  EXPECT_TRUE(Contains(ro, "Read-only file system")) << ro;
  const std::string gone = Slurp(missing_err);
  EXPECT_EQ(count(gone, "owner lease"), 0) << gone;
  EXPECT_NE(::access(missing.c_str(), F_OK), 0) << "created by the supervisor";
}

TEST_F(RunTest, NamespaceContainer_ExecModeHandsOffWhenTheRecordsCannotBeWritten) {
  const std::string preflight = dir_.Mkdir("var/lib/netdata/preflight");
  const std::string script = "mount --bind " + preflight + " " + preflight +
                             " && mount -o remount,bind,ro " + preflight + " && exec " +
                             BinaryPath() + " run --only claim.token -- /bin/sh -c 'echo started'";
  auto r = RunProcess({"/usr/bin/unshare", "--mount", "--", "/bin/sh", "-c", script}, Env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "started")) << "the program must start anyway: " << r.out;
  EXPECT_TRUE(
      Contains(r.err, "not written: create a temp file beside `" + preflight + "/runs.json`"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "Read-only file system")) << r.err;
  EXPECT_EQ(access((preflight + "/runs.json").c_str(), F_OK), -1);
}

// fault: signals | SIGTERM to `run` as PID 1 while --wait-for-cloud waits for an unreachable cloud | exit 143 within a second, one line "stopped by SIGTERM before the hand-off", the program never started
TEST_F(RunTest, NamespacePid1_SigtermBeforeTheHandOffEndsItAtOnce) {
  const std::string marker = dir_.path() + "/started";
  auto env = Env();
  env["NETDATA_CLAIM_URL"] = "https://127.0.0.1:9";  // nothing listens: the wait never ends
  Background bg(Pid1({"--wait-for-cloud", "60s", "--", "/bin/sh", "-c", "touch " + marker}), env,
                dir_.path() + "/err");
  const int pid1 = bg.WaitPid1();
  ASSERT_GT(pid1, 0);
  std::this_thread::sleep_for(500ms);  // inside the wait, past the offline checks
  ASSERT_EQ(kill(pid1, SIGTERM), 0);
  const int code = bg.Wait(1s + kSanitizerSlack);
  EXPECT_EQ(code, 128 + SIGTERM) << bg.Err();
  EXPECT_TRUE(Contains(bg.Err(), "run stopped by SIGTERM before the hand-off")) << bg.Err();
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "the program must not have started";
}

// fault: records | exec mode as PID 1 of an emulated container (PID namespace), the program exits at once | lease and run record are written in full before the exec: the namespace dying with its PID 1 loses nothing
TEST_F(RunTest, NamespacePid1_ExecModeAsPid1StillWritesTheLeaseAndTheRecord) {
  auto r = RunPid1({"--", "/bin/sh", "-c", "echo pid=$$"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "pid=1")) << r.out;
  auto records = Records();
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  EXPECT_EQ(records.records[0].pid, 1);
  EXPECT_EQ(records.records[0].mode, "exec");
  EXPECT_TRUE(Contains(Slurp(var_lib_ + "/preflight/owner.json"), "\"heartbeat\""));
}

TEST_F(RunTest, NamespacePid1_SupervisedRunIsRecordedWholeAndTheNextStartSeesIt) {
  auto r = RunPid1({"--only", "claim.token", "--supervise", "--", kChild, "exit", "7"});
  ASSERT_EQ(r.exit_code, 7) << r.err;
  r = RunPid1({"--only", "claim.token", "--supervise", "--", kChild, "kill", "15"});
  ASSERT_EQ(r.exit_code, 143) << r.err;
  auto records = Records();
  ASSERT_EQ(records.records.size(), 2u) << records.problem;
  EXPECT_EQ(records.records[0].exit_code, 7);
  EXPECT_TRUE(records.records[0].end_ms.has_value());
  EXPECT_GE(*records.records[0].end_ms, records.records[0].start_ms);
  EXPECT_EQ(records.records[1].signal, 15);
  EXPECT_EQ(records.records[1].exit_code, 143);
  EXPECT_EQ(records.records[1].pid, 1) << "the supervisor is PID 1";
  EXPECT_FALSE(records.records[1].boot_id.empty());
}

// container.identity decides whether a start takes the owner lease.
const char* const kLeaseChecks = "claim.token,container.identity";

// fault: records | a supervised program that ends at once (a crash loop, `--supervise -- /bin/true`) | its whole run (start, end, exit code) is written in ONE batch at its end: 2 fsyncs (runs.json and its directory), no owner lease (never held, nothing to release)
TEST_F(RunTest, NamespacePid1_AProgramThatEndsAtOnceIsRecordedWholeInOneBatch) {
  auto r = RunPid1({"--only", kLeaseChecks, "--supervise", "--", kChild, "exit", "5"});
  ASSERT_EQ(r.exit_code, 5) << r.err;
  auto records = Records();
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  const auto& run = records.records[0];
  EXPECT_EQ(run.mode, "supervise");
  EXPECT_EQ(run.pid, 1);
  EXPECT_FALSE(run.boot_id.empty()) << "the start record's fields are kept";
  ASSERT_TRUE(run.end_ms.has_value());
  EXPECT_GE(*run.end_ms, run.start_ms);
  EXPECT_EQ(run.exit_code, 5);
  EXPECT_NE(::access((var_lib_ + "/preflight/owner.json").c_str(), F_OK), 0)
      << "a lease never held was written: " << Slurp(var_lib_ + "/preflight/owner.json");
  // The durable writes, counted: the same start again (not as PID 1: strace runs it).
  const std::string trace = dir_.path() + "/fsyncs";
  auto traced = RunProcess({"/usr/bin/strace", "-f", "-qq", "--seccomp-bpf", "-e",
                            "trace=fsync,fdatasync,syncfs", "-o", trace, BinaryPath(), "run",
                            "--only", kLeaseChecks, "--supervise", "--", kChild, "exit", "0"},
                           Env());
  ASSERT_EQ(traced.exit_code, 0) << traced.err;
  std::istringstream lines(Slurp(trace));
  std::string line;
  int syncs = 0;
  while (std::getline(lines, line)) syncs += Contains(line, "sync(") ? 1 : 0;
  EXPECT_EQ(syncs, 2) << Slurp(trace);
  EXPECT_EQ(Records().records.size(), 2u);
}

// fault: records | a supervised program that lives past the first 100 ms (the agent) | its start record and the owner lease are on disk while it runs, the end added and the lease released when it ends
TEST_F(RunTest, NamespacePid1_AProgramThatLivesOnHasItsStartOnDiskWhileItRuns) {
  const std::string runs = var_lib_ + "/preflight/runs.json";
  const std::string lease = var_lib_ + "/preflight/owner.json";
  const std::string seen = dir_.path() + "/seen";
  // 0.5 s: past the 100 ms, before the first heartbeat (1 s) could write the lease instead.
  auto r = RunPid1(
      {"--only", kLeaseChecks, "--supervise", "--", "/bin/sh", "-c",
       "sleep 0.5; cat " + runs + " > " + seen + ".runs; cat " + lease + " > " + seen + ".lease"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto running = container::ParseRunRecords(Slurp(seen + ".runs"));
  ASSERT_TRUE(running.ok()) << running.error().message;
  ASSERT_EQ(running->size(), 1u);
  EXPECT_EQ((*running)[0].pid, 1);
  EXPECT_FALSE((*running)[0].end_ms.has_value()) << "the start, written while it ran";
  auto held = container::ParseOwnerLease(Slurp(seen + ".lease"));
  ASSERT_TRUE(held.ok()) << held.error().message;
  EXPECT_FALSE(held->released);
  auto records = Records();
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  EXPECT_EQ(records.records[0].start_ms, (*running)[0].start_ms);
  ASSERT_TRUE(records.records[0].end_ms.has_value());
  EXPECT_EQ(records.records[0].exit_code, 0);
  auto after = container::ParseOwnerLease(Slurp(lease));
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_TRUE(after->released);
}

// Starts `run --supervise -- sleep 30` as PID 1, waits until the program was spawned and 30 ms
// more (the start writes of the build before waited for nothing), sends `sig` to PID 1 and
// returns the exit code. false when the test itself was too slow to land inside the 100 ms.
bool SignalInsideTheDelay(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env, const std::string& err,
                          int sig, int* code) {
  Background bg(argv, env, err);
  const int pid1 = bg.WaitPid1();
  if (pid1 <= 0) return false;
  const auto until = Clock::now() + 5s;
  while (FirstChild(pid1) <= 0 && Clock::now() < until) std::this_thread::sleep_for(200us);
  const auto spawned = Clock::now();
  std::this_thread::sleep_for(30ms);
  ::kill(pid1, sig);
  const bool inside = Clock::now() - spawned < 70ms;
  *code = bg.Wait(10s);
  return inside;
}

// fault: records | SIGKILL of the supervisor (docker kill, an OOM kill) in the first 100 ms of the program | what docs/docker.md says: no trace of that run (no start record; the next start cannot say it was killed), the lease as it was; a SIGKILL later leaves the start record without an end, as the next start reports
TEST_F(RunTest, NamespacePid1_SigkillInTheFirst100MsLeavesNoTraceOfTheRun) {
  auto first = RunPid1({"--only", kLeaseChecks, "--supervise", "--", kChild, "exit", "0"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string before = Slurp(var_lib_ + "/preflight/runs.json");
  int tries = 0, code = 0;
  while (
      !SignalInsideTheDelay(Pid1({"--only", kLeaseChecks, "--supervise", "--", "/bin/sleep", "30"}),
                            Env(), dir_.path() + "/kill.err", SIGKILL, &code)) {
    ASSERT_LT(++tries, 5) << "this machine is too loaded to signal within 100 ms";
  }
  EXPECT_EQ(Slurp(var_lib_ + "/preflight/runs.json"), before);
  EXPECT_NE(::access((var_lib_ + "/preflight/owner.json").c_str(), F_OK), 0);
  // Past the 100 ms: the start is on disk, without an end, and the next start says so.
  {
    Background bg(Pid1({"--only", kLeaseChecks, "--supervise", "--", "/bin/sleep", "30"}), Env(),
                  dir_.path() + "/late.err");
    const int pid1 = bg.WaitPid1();
    ASSERT_GT(pid1, 0);
    ASSERT_TRUE(WaitFor([&] { return Records().records.size() == 2; }, 5s)) << bg.Err();
    ::kill(pid1, SIGKILL);
    bg.Wait(10s);
  }
  auto records = Records();
  ASSERT_EQ(records.records.size(), 2u) << records.problem;
  EXPECT_FALSE(records.records[1].end_ms.has_value());
  auto held = container::ParseOwnerLease(Slurp(var_lib_ + "/preflight/owner.json"));
  ASSERT_TRUE(held.ok()) << held.error().message;
  EXPECT_FALSE(held->released);
  auto next = RunPid1({"--only", kLeaseChecks, "--supervise", "--", kChild, "exit", "0"});
  EXPECT_TRUE(Contains(next.err, "has no recorded end")) << next.err;
}

// fault: signals | SIGTERM to the supervisor (docker stop) in the first 100 ms of the program | forwarded; the whole run is recorded at its end (signal 15, exit 143), no lease left behind
TEST_F(RunTest, NamespacePid1_SigtermInTheFirst100MsRecordsTheWholeRun) {
  int tries = 0, code = 0;
  while (
      !SignalInsideTheDelay(Pid1({"--only", kLeaseChecks, "--supervise", "--", "/bin/sleep", "30"}),
                            Env(), dir_.path() + "/term.err", SIGTERM, &code)) {
    ASSERT_LT(++tries, 5) << "this machine is too loaded to signal within 100 ms";
    std::filesystem::remove_all(var_lib_ + "/preflight");
  }
  EXPECT_EQ(code, 128 + SIGTERM) << Slurp(dir_.path() + "/term.err");
  auto records = Records();
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  EXPECT_EQ(records.records[0].signal, SIGTERM);
  EXPECT_EQ(records.records[0].exit_code, 128 + SIGTERM);
  ASSERT_TRUE(records.records[0].end_ms.has_value());
  EXPECT_NE(::access((var_lib_ + "/preflight/owner.json").c_str(), F_OK), 0);
}

// fault: identity | the agent runs under the supervisor, then exits | owner.json held with a supervised heartbeat while it runs, released at exit so a replacement container takes over
TEST_F(RunTest, NamespacePid1_SupervisorHoldsTheOwnerLeaseAndReleasesItAtExit) {
  const std::string lease = var_lib_ + "/preflight/owner.json";
  const std::string seen = dir_.path() + "/lease-while-running.json";
  // The child waits for the first heartbeat (the first tick, at most ~1 s) and copies it.
  const std::string script = "for i in $(seq 50); do [ -s " + lease +
                             " ] && break; sleep 0.1; done; cp " + lease + " " + seen;
  auto r = RunPid1({"--only", "claim.token", "--supervise", "--", "/bin/sh", "-c", script});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto running = container::ParseOwnerLease(Slurp(seen));
  ASSERT_TRUE(running.ok()) << running.error().message;
  EXPECT_TRUE(running->supervised);
  EXPECT_FALSE(running->released);
  EXPECT_GT(running->heartbeat, 0);
  auto after = container::ParseOwnerLease(Slurp(lease));
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_TRUE(after->released) << "the next container must be able to take the identity at once";
}

// fault: records | truncated runs.json | set aside as runs.json.corrupt-*, "set aside as" on stderr, a fresh record written, hand-off goes on (exit 0)
TEST_F(RunTest, CorruptRunRecordsAreSetAsideAndReported) {
  dir_.Write("var/lib/netdata/preflight/runs.json", "{\"schema\":1,\"runs\":[{\"sta");
  auto r = RunProcess(
      {BinaryPath(), "run", "--only", "claim.token", "--log-level", "warn", "--", "/bin/true"},
      Env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "set aside as")) << r.err;
  auto records = Records();
  ASSERT_TRUE(records.problem.empty()) << records.problem;
  EXPECT_EQ(records.records.size(), 1u);
  bool aside = false;
  for (const auto& e : std::filesystem::directory_iterator(var_lib_ + "/preflight")) {
    aside = aside || Contains(e.path().filename().string(), "runs.json.corrupt-");
  }
  EXPECT_TRUE(aside);
}

// fault: agent | agent API unreachable, link never up within --link-timeout 1s | "is not up" diagnosis logged exactly once; supervisor stays ≤ 2 MiB resident
TEST_F(RunTest, NamespacePid1_SupervisorResidentMemoryAtMost2MiB) {
  if (PREFLIGHT_SANITIZED) {
    GTEST_SKIP() << "sanitizer build: ASan's shadow memory alone is ~30 MiB resident; the "
                    "2 MiB bound is checked by the release build (make test)";
  }
  // A private copy, dropped from the page cache, so that it is read from disk as at a
  // container's first start: a file just written (the build's link) sits in large page-cache
  // folios, which kernels since 6.x map whole on a fault, a megabyte more of file pages in
  // VmRSS (bench/lib.sh evict_page_cache). Nobody else maps the copy, so all of it is dropped.
  const std::string binary = dir_.path() + "/netdata-preflight";
  std::filesystem::copy_file(BinaryPath(), binary);
  std::filesystem::permissions(binary, std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  {
    const int fd = ::open(binary.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::fsync(fd), 0);  // clean pages only are dropped
    ASSERT_EQ(::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
    ::close(fd);
  }
  std::vector<std::string> argv =
      Pid1({"--supervise", "--link-timeout", "1s", "--api", "http://127.0.0.1:9", "--cli-socket",
            dir_.path() + "/no.sock", "--", "/bin/sleep", "30"});
  std::replace(argv.begin(), argv.end(), BinaryPath(), binary);
  Background bg(argv, Env(), dir_.path() + "/err");
  const int pid1 = bg.WaitPid1();
  ASSERT_GT(pid1, 0);
  // After the link watch and the diagnosis helper ran once: wait for its log, not a fixed time,
  // since its network checks take up to their deadline (longer in a netns without a resolver).
  const std::string diagnosis = "is not up";
  ASSERT_TRUE(WaitFor([&] { return Contains(bg.Err(), diagnosis); }, 20s)) << bg.Err();
  // The helper is reaped: the program (sleep) is the supervisor's only child.
  EXPECT_TRUE(WaitFor([&] { return Children(pid1).size() == 1; }, 5s));
  const std::string status = Slurp("/proc/" + std::to_string(pid1) + "/status");
  auto pos = status.find("VmRSS:");
  ASSERT_NE(pos, std::string::npos) << status;
  const long rss_kb = std::stol(status.substr(pos + 6));
  RecordProperty("supervisor_rss_kb", std::to_string(rss_kb));
  std::cout << "supervisor VmRSS: " << rss_kb << " kB\n";
  EXPECT_LE(rss_kb, 2048) << status;
  // The lean supervisor (re-exec'd after the first second) shows itself as the `run` started.
  const std::string cmdline = Slurp("/proc/" + std::to_string(pid1) + "/cmdline");
  EXPECT_EQ(cmdline.rfind(binary + std::string("\0run\0--supervise\0", 17), 0), 0u) << cmdline;
  EXPECT_FALSE(Contains(cmdline, "__supervise")) << cmdline;
  kill(pid1, SIGTERM);
  EXPECT_EQ(bg.Wait(10s), 128 + SIGTERM) << bg.Err();
  // The link never came up within --link-timeout: the diagnosis was logged, once.
  const std::string err = bg.Err();
  size_t count = 0;
  for (size_t p = err.find(diagnosis); p != std::string::npos; p = err.find(diagnosis, p + 1))
    ++count;
  EXPECT_EQ(count, 1u) << err;
}

// ---- the real agent ---------------------------------------------------------------------

/// GET http://127.0.0.1:port/path with a raw socket; "" when nothing answers.
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    std::string req = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[8192];
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

class RealAgentTest : public RunTest {
 protected:
  void SetUp() override {
    RunTest::SetUp();
    if (IsSkipped()) return;
    agent_ = std::string(PREFLIGHT_DEPS_DIR) + "/netdata/usr/sbin/netdata";
    ASSERT_EQ(access(agent_.c_str(), X_OK), 0) << agent_ << " missing: run scripts/bootstrap.sh";
    port_ = FreeLoopbackPort();
    const std::string d = dir_.path() + "/agent";
    for (const char* sub : {"etc", "lib", "cache", "log", "run", "web"})
      dir_.Mkdir(std::string("agent/") + sub);
    const std::string root = std::string(PREFLIGHT_DEPS_DIR) + "/netdata";
    conf_ = dir_.Write(
        "agent/netdata.conf",
        "[global]\n  run as user = root\n  hostname = preflight-test\n"
        "  config directory = " +
            d +
            "/etc\n"
            "  stock config directory = " +
            root +
            "/usr/lib/netdata/conf.d\n"
            "  plugins directory = " +
            root +
            "/usr/lib/netdata/plugins.d\n"
            "  web files directory = " +
            root +
            "/usr/share/netdata/web\n"
            "  cache directory = " +
            d + "/cache\n  lib directory = " + d +
            "/lib\n"
            "  log directory = " +
            d +
            "/log\n  memory mode = ram\n  history = 60\n"
            "[web]\n  bind to = 127.0.0.1\n"
            "[plugins]\n  enable running new plugins = no\n  checks = no\n  idlejitter = no\n"
            "  proc = no\n  diskspace = no\n  cgroups = no\n  tc = no\n  statsd = no\n  timex = "
            "no\n"
            "[health]\n  enabled = no\n[ml]\n  enabled = no\n[registry]\n  enabled = no\n");
  }
  // The agent changes into $HOME (else /var/lib/netdata, absent here).
  std::map<std::string, std::string> AgentEnv() const {
    auto env = Env();
    env["HOME"] = dir_.path() + "/agent/lib";
    return env;
  }
  std::vector<std::string> AgentArgs() const {
    return {agent_, "-D", "-c", conf_, "-p", std::to_string(port_)};
  }
  std::string agent_, conf_;
  int port_ = 0;
};

// fault: agent | Debian's netdata (built --disable-cloud) kept for local monitoring: no claim token, no claim.conf, never claimed | agent.version warn "claiming is not configured and the node is not claimed, so it monitors locally"; `run` hands off (the agent serves its API) instead of refusing it
TEST_F(RealAgentTest, RunHandsOffToTheRealAgentWhichServesItsApi) {
  // Every offline check runs, agent.version on this very binary: Debian's netdata can never
  // reach Netdata Cloud, but nobody asked it to, so that is said and the agent starts.
  std::vector<std::string> args = {BinaryPath(), "run", "--agent", agent_, "--"};
  for (const auto& a : AgentArgs()) args.push_back(a);
  Background bg(args, AgentEnv(), dir_.path() + "/err");
  std::string info;
  ASSERT_TRUE(
      WaitFor([&] { return Contains(info = HttpGet(port_, "/api/v1/info"), "\"version\""); }, 60s))
      << info << bg.Err();
  EXPECT_TRUE(Contains(info, "200 OK")) << info;
  EXPECT_TRUE(Contains(bg.Err(), "built without Netdata Cloud support")) << bg.Err();
  EXPECT_TRUE(Contains(bg.Err(),
                       "claiming is not configured and the node is not claimed, so it "
                       "monitors locally"))
      << bg.Err();
  // exec: the agent took over this very process.
  auto records = Records();
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  const std::string exe = Slurp("/proc/" + std::to_string(records.records[0].pid) + "/cmdline");
  EXPECT_TRUE(Contains(exe, agent_)) << "the recorded pid runs the agent now: " << exe;
}

// fault: agent | Debian's netdata (built --disable-cloud) with a claim token set: the operator wants Cloud, which this build can never reach | `run` exits 78 naming "built without Netdata Cloud support", the agent never starts (its API port stays closed)
TEST_F(RealAgentTest, RunRefusesTheBuildWithoutCloudWhenClaimingIsConfigured) {
  auto env = AgentEnv();
  env["NETDATA_CLAIM_TOKEN"] = std::string(135, 'k');
  env["NETDATA_CLAIM_ROOMS"] = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
  std::vector<std::string> args = {BinaryPath(), "run", "--agent", agent_, "--"};
  for (const auto& a : AgentArgs()) args.push_back(a);
  auto r = RunProcess(args, env);
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_TRUE(Contains(r.err, "built without Netdata Cloud support")) << r.err;
  EXPECT_TRUE(Contains(r.err, "not starting")) << r.err;
  EXPECT_FALSE(Contains(r.err, std::string(135, 'k'))) << "the token is never shown";
  EXPECT_EQ(HttpGet(port_, "/api/v1/info"), "") << "the agent was started";
}

// fault: agent | the same agent binary at every restart of a container | agent.version runs it (`-V`, `-W buildinfo`) at the first start only and gives the same diagnosis from the run record after; a touched (or replaced) binary is run again
TEST_F(RealAgentTest, RestartsTakeTheAgentsAnswersFromTheRunRecordUntilTheBinaryChanges) {
  // A wrapper that logs each time it is run, then runs the real Debian agent.
  const std::string log = dir_.path() + "/agent-runs.log";
  const std::string wrapper =
      dir_.Write("netdata", "#!/bin/sh\necho \"$*\" >> " + log + "\nexec " + agent_ + " \"$@\"\n");
  ASSERT_EQ(::chmod(wrapper.c_str(), 0755), 0);
  auto start = [&] {
    return RunProcess(
        {BinaryPath(), "run", "--fail-on", "never", "--agent", wrapper, "--", "/bin/true"}, Env());
  };
  auto first = start();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(Slurp(log), "-V\n-W buildinfo\n") << "a v1 agent is asked twice";
  const std::string diagnosis = "is netdata v1.37.1, built without Netdata Cloud support";
  EXPECT_TRUE(Contains(first.err, diagnosis)) << first.err;
  auto records = Records();
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  ASSERT_TRUE(records.records[0].agent.has_value());
  EXPECT_EQ(records.records[0].agent->version, "v1.37.1");
  EXPECT_EQ(records.records[0].agent->cloud, false);

  auto second = start();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(Slurp(log), "-V\n-W buildinfo\n") << "not run again at the second start";
  EXPECT_TRUE(Contains(second.err, diagnosis)) << "the same diagnosis: " << second.err;

  // Any change to the file changes its ctime: the recorded answers no longer apply to it.
  ASSERT_EQ(::utimes(wrapper.c_str(), nullptr), 0);
  auto third = start();
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(Slurp(log), "-V\n-W buildinfo\n-V\n-W buildinfo\n") << "run again once touched";
  EXPECT_TRUE(Contains(third.err, diagnosis)) << third.err;
  EXPECT_EQ(Records().records.size(), 3u);
}

TEST_F(RealAgentTest, NamespacePid1_SupervisedAgentServesAndStopsWithinTheGrace) {
  std::vector<std::string> args = {"--skip", "agent.version", "--supervise", "--grace", "8s", "--"};
  for (const auto& a : AgentArgs()) args.push_back(a);
  Background bg(Pid1(args), AgentEnv(), dir_.path() + "/err");
  const int pid1 = bg.WaitPid1();
  ASSERT_GT(pid1, 0);
  std::string info;
  ASSERT_TRUE(
      WaitFor([&] { return Contains(info = HttpGet(port_, "/api/v1/info"), "\"version\""); }, 60s))
      << info << bg.Err();
  ASSERT_EQ(kill(pid1, SIGTERM), 0);
  const int code = bg.Wait(12s);
  EXPECT_NE(code, -1) << "did not stop within the grace: " << bg.Err();
  EXPECT_NE(code, 128 + SIGKILL) << "the agent had to be killed: " << bg.Err();
  auto records = Records();
  ASSERT_EQ(records.records.size(), 1u) << records.problem;
  EXPECT_TRUE(records.records[0].end_ms.has_value());
  EXPECT_EQ(records.records[0].exit_code, code);
}

// ---- crash safety of the records --------------------------------------------------------

// fault: records | kill -9 of two runs.json writers at once (two containers on one volume) at random moments, 200 times | runs.json always parses, never empty, never over the record cap, never set aside as corrupt; the temp files the kills left are gone after the next write once stale
TEST_F(RunTest, RunRecordsSurvive200KillNineDuringWrites) {
  std::mt19937 rng(8);
  // A sanitizer build of the writer takes ten times as long to reach its writes.
  std::uniform_int_distribution<int> delay_us(200, PREFLIGHT_SANITIZED ? 150000 : 15000);
  const std::string path = var_lib_ + "/preflight/runs.json";
  int saw_file = 0;
  for (int trial = 0; trial < 200; ++trial) {
    // Two writers: each is killed while it refills the spare or, when the other holds the
    // spare, while it writes a temp file of its own.
    pid_t pids[2];
    for (pid_t& pid : pids) {
      pid = fork();
      if (pid == 0) {
        execl(PREFLIGHT_RECORDS_HAMMER, PREFLIGHT_RECORDS_HAMMER, var_lib_.c_str(), nullptr);
        _exit(127);
      }
    }
    usleep(static_cast<useconds_t>(delay_us(rng)));
    for (pid_t pid : pids) {
      kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
      ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped on its own: " << status;
    }
    if (access(path.c_str(), F_OK) != 0) continue;  // killed before its first write
    ++saw_file;
    auto parsed = container::ParseRunRecords(Slurp(path));
    ASSERT_TRUE(parsed.ok()) << "trial " << trial << ": " << parsed.error().message;
    ASSERT_FALSE(parsed->empty());
    ASSERT_LE(parsed->size(), container::kMaxRunRecords);
  }
  EXPECT_GT(saw_file, 150) << "the kills did not land during writes";
  for (const auto& e : std::filesystem::directory_iterator(var_lib_ + "/preflight")) {
    EXPECT_EQ(e.path().string().find(".corrupt-"), std::string::npos)
        << "a reader took a write in progress for a corrupt file: " << e.path();
  }

  // What the kills left behind does not pile up in the volume: once stale, the next write
  // puts every temp file of a killed writer away.
  auto temps = [&] {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(var_lib_ + "/preflight")) {
      if (e.path().filename().string().find(".tmp.") != std::string::npos)
        out.push_back(e.path().string());
    }
    return out;
  };
  const auto left = temps();
  EXPECT_FALSE(left.empty()) << "no kill landed between a temp file's creation and its rename";
  const time_t long_ago = ::time(nullptr) - 3600;
  const struct timeval times[2] = {{long_ago, 0}, {long_ago, 0}};
  for (const auto& t : left) ASSERT_EQ(::utimes(t.c_str(), times), 0) << t;
  auto r = RunProcess({BinaryPath(), "run", "--fail-on", "never", "--", "/bin/true"}, Env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(temps(), std::vector<std::string>{}) << left.size() << " were left by the kills";
}

}  // namespace
}  // namespace preflight::testing

namespace preflight::testing {
namespace {

// fault: input | --wait-for-cloud soon, or with --offline, or without --gate | exit 64 naming --wait-for-cloud; a real wait ends within wait + one round
TEST(CheckGate, WaitForCloudIsValidatedAndRunsTheNetworkRounds) {
  auto r = RunPreflight({"check", "--gate", "--wait-for-cloud", "soon"});
  EXPECT_EQ(r.exit_code, 64) << r.err;
  EXPECT_NE(r.err.find("--wait-for-cloud"), std::string::npos) << r.err;
  r = RunPreflight({"check", "--gate", "--offline", "--wait-for-cloud", "5s"});
  EXPECT_EQ(r.exit_code, 64) << r.err;
  r = RunPreflight({"check", "--wait-for-cloud", "5s"});
  EXPECT_EQ(r.exit_code, 64) << "--wait-for-cloud goes with --gate: " << r.err;
  // A Cloud that refuses every connection (a closed loopback port): the rounds are retried for
  // the whole wait (1 s, then 2 s apart), the gate ends within the wait plus one round, and
  // lets the agent start: an unreachable Cloud is not certain to break it.
  const std::string cloud = "https://127.0.0.1:" + std::to_string(FreeLoopbackPort());
  const auto start = std::chrono::steady_clock::now();
  r = RunPreflight({"check", "--gate", "--only", "network", "--cloud-url", cloud, "--deadline",
                    "2s", "--wait-for-cloud", "3s", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3 + 2 + 2));
  EXPECT_NE(r.err.find("waiting for Netdata Cloud (round 1)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("waiting for Netdata Cloud (round 2)"), std::string::npos)
      << "the round is retried within the wait: " << r.err;
  const auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.out;
  int failed = 0;
  for (const auto& c : doc["checks"]) failed += c["status"] == "fail";
  EXPECT_GT(failed, 0) << "the refused Cloud is reported: " << r.out;
}

}  // namespace
}  // namespace preflight::testing
