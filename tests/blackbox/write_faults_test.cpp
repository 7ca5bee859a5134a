// kill -9 of `check` while it writes --output and the termination log. The binary runs under
// strace, which only delays (never changes) every write, pwrite, fsync, ftruncate and rename
// by a few milliseconds, so that kills at random moments land inside the writes and not only
// in the checks before them. After each kill the files are the old ones or the complete new
// ones: a report that parses, a summary whole.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

class KillNineDuringWrites : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/strace";
    // The traced binary outlives a killed strace for a moment: reparented to us, we reap it.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    var_lib = dir.Mkdir("var/lib/netdata");
    config = dir.Mkdir("etc/netdata");
    cache = dir.Mkdir("var/cache/netdata");
    report = dir.path() + "/out/report.json";
    dir.Mkdir("out");
    tlog = dir.path() + "/termination-log";
  }
  std::vector<std::string> Args(bool traced) const {
    std::vector<std::string> a;
    if (traced) {
      a = {"/usr/bin/strace",
           "-f",
           "-qq",
           "-o",
           "/dev/null",
           "-e",
           "trace=write,pwrite64,fsync,ftruncate,rename,renameat,renameat2",
           "-e",
           "inject=write,pwrite64,fsync,ftruncate,rename,renameat,renameat2:delay_enter=8000",
           "--"};
    }
    a.push_back(BinaryPath());
    for (const char* s :
         {"check", "--only", "claim", "--format", "json", "--output", report.c_str(),
          "--termination-log", tlog.c_str(), "--var-lib", var_lib.c_str(), "--config-dir",
          config.c_str(), "--cache-dir", cache.c_str()}) {
      a.push_back(s);
    }
    return a;
  }
  /// Starts Args(traced) in its own process group, SIGKILLs the group after `after` (or lets
  /// it end), and returns once every process of the group is gone.
  void RunAndKill(std::chrono::microseconds after, bool kill_it) {
    auto argv = Args(true);
    std::vector<char*> args;
    for (auto& s : argv) args.push_back(s.data());
    args.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      execv(args[0], args.data());
      _exit(127);
    }
    setpgid(pid, pid);
    if (kill_it) {
      usleep(static_cast<useconds_t>(after.count()));
      kill(-pid, SIGKILL);
    }
    // strace, then the traced binary (reparented to this subreaper): the group is gone.
    while (waitpid(-pid, nullptr, 0) > 0 || errno == EINTR) {
    }
  }

  void TearDown() override { prctl(PR_SET_CHILD_SUBREAPER, 0); }

  TempDir dir;
  std::string var_lib, config, cache, report, tlog;
};

// fault: signals | kill -9 of `check` at 100 random moments while it writes --output and --termination-log (writes slowed by strace) | --output is the old file or a complete report that parses, never empty or torn; the termination log is the old text or the whole new summary (at most followed by blank lines)
TEST_F(KillNineDuringWrites, OutputAndTerminationLogAreOldOrComplete) {
  // The reference: one run to its end.
  dir.Write("termination-log", "");
  auto ref = RunProcess(Args(false));
  ASSERT_TRUE(ref.exit_code == 0 || ref.exit_code == 1) << ref.err;
  const std::string new_report = Slurp(report);
  const std::string new_summary = Slurp(tlog);
  ASSERT_TRUE(Json::parse(new_report, nullptr, false).is_object()) << new_report;
  ASSERT_NE(new_summary.find("netdata-preflight: "), std::string::npos) << new_summary;
  const size_t checks = Json::parse(new_report)["checks"].size();
  ASSERT_GT(checks, 2u);

  // How long a traced run takes: the kills are spread over all of it.
  auto start = Clock::now();
  RunAndKill({}, false);
  const auto traced = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  ASSERT_EQ(Slurp(tlog), new_summary) << "the traced run must write what the plain one does";

  const std::string old_report = "{\"schema\":1,\"old\":true}\n";
  std::string old_summary;
  for (int i = 0; i < 60; ++i)
    old_summary += "an older termination message, line " + std::to_string(i) + "\n";
  ASSERT_GT(old_summary.size(), new_summary.size());  // so that the padding is exercised
  std::mt19937 rng(20261202);
  std::uniform_int_distribution<long> moment(0, traced.count());
  int old_reports = 0, new_reports = 0, old_logs = 0, new_logs = 0;
  for (int trial = 0; trial < 100; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    dir.Write("out/report.json", old_report);
    dir.Write("termination-log", old_summary);
    RunAndKill(std::chrono::microseconds(moment(rng)), true);
    const std::string r = Slurp(report);
    if (r == old_report) {
      ++old_reports;
    } else {
      Json doc = Json::parse(r, nullptr, false);
      ASSERT_TRUE(doc.is_object()) << "torn --output (" << r.size() << " bytes): " << r;
      EXPECT_EQ(doc["checks"].size(), checks);
      ++new_reports;
    }
    const std::string t = Slurp(tlog);
    if (t == old_summary) {
      ++old_logs;
    } else {
      ASSERT_EQ(t.substr(0, new_summary.size()), new_summary) << "torn termination log: " << t;
      EXPECT_EQ(t.find_first_not_of('\n', new_summary.size()), std::string::npos) << t;
      ++new_logs;
    }
  }
  // Kills landed before and after the writes: both outcomes were seen.
  EXPECT_GT(old_reports, 0);
  EXPECT_GT(new_reports, 0);
  EXPECT_GT(old_logs, 0);
  EXPECT_GT(new_logs, 0);
  std::cout << "reports old/new " << old_reports << "/" << new_reports
            << ", termination logs old/new " << old_logs << "/" << new_logs << "\n";
}

}  // namespace
}  // namespace preflight::testing
