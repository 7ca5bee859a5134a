// SIGTERM and SIGINT to `check` while a network check waits on a silent server (a loopback
// socket that listens and never accepts: the TLS handshake gets no answer), as `docker stop`
// or a pod deletion does: it ends at once with 128+N, a line on stderr, nothing on stdout and
// the old --output left alone; also as PID 1 of a PID namespace (an emulated initContainer),
// where a signal without a handler is ignored.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class SignalDuringCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    // Listens, never accepts: connects complete in the kernel, then nothing ever answers.
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(listener_, 16), 0);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = std::to_string(ntohs(a.sin_port));
  }
  void TearDown() override { ::close(listener_); }

  std::vector<std::string> CheckArgs(std::vector<std::string> extra = {},
                                     const std::string& deadline = "8s") const {
    std::vector<std::string> a = {BinaryPath(),   "check",
                                  "--only",       "network",
                                  "--cloud-url",  "https://cloud.test:" + port_,
                                  "--resolve",    "cloud.test:" + port_ + ":127.0.0.1",
                                  "--deadline",   deadline,
                                  "--format",     "json",
                                  "--var-lib",    dir.path(),
                                  "--config-dir", dir.path()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  struct Ended {
    int status = -1;      ///< wait status; -1 = still running after the budget
    double after_ms = 0;  ///< from the signal to the end
    std::string out, err;
  };
  /// Runs `argv` (stdout, stderr to files), sends `sig` to it after `delay` (to unshare's
  /// child when `pid1`), and waits up to 3 s for the end.
  Ended SignalAfter(const std::vector<std::string>& argv, int sig, milliseconds delay,
                    bool pid1 = false) {
    const std::string out = dir.path() + "/stdout", err = dir.path() + "/stderr";
    pid_t pid = ::fork();
    if (pid == 0) {
      int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      std::vector<char*> args;
      std::vector<std::string> copy = argv;
      for (auto& s : copy) args.push_back(s.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::usleep(static_cast<useconds_t>(delay.count() * 1000));
    pid_t target = pid;
    if (pid1) {  // the namespace's PID 1: unshare --fork's only child
      std::string children =
          Slurp("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
      target = children.empty() ? -1 : std::stoi(children);
    }
    Ended e;
    EXPECT_GT(target, 0) << "nothing to signal";
    if (target > 0) ::kill(target, sig);
    auto sent = Clock::now();
    while (Clock::now() - sent < std::chrono::seconds(3)) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        e.status = status;
        break;
      }
      ::usleep(5000);
    }
    e.after_ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
    if (e.status == -1) {
      ::kill(pid, SIGKILL);
      if (target > 0) ::kill(target, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    e.out = Slurp(out);
    e.err = Slurp(err);
    return e;
  }

  TempDir dir;
  int listener_ = -1;
  std::string port_;
};

// fault: signals | SIGTERM or SIGINT to `check` while network.tls waits on a silent server (deadline 8 s) | exit 143 / 130 within 300 ms of the signal, stderr "check stopped by SIGTERM before the report was complete", nothing on stdout, the old --output file left as it was
TEST_F(SignalDuringCheck, SigtermMidProbeEndsAt128PlusNWithNoPartialReport) {
  const std::string output = dir.Write("report.json", "{\"old\":true}\n");
  for (int sig : {SIGTERM, SIGINT}) {
    SCOPED_TRACE(sig);
    auto e = SignalAfter(CheckArgs({"--output", output}), sig, milliseconds(600));
    ASSERT_NE(e.status, -1) << "check did not end within 3 s of the signal";
    ASSERT_TRUE(WIFEXITED(e.status)) << "killed by the signal instead of ending: " << e.status;
    EXPECT_EQ(WEXITSTATUS(e.status), 128 + sig);
    EXPECT_LT(e.after_ms, 300);
    EXPECT_EQ(e.out, "");
    EXPECT_NE(
        e.err.find(std::string("check stopped by ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                   " before the report was complete"),
        std::string::npos)
        << e.err;
    EXPECT_EQ(Slurp(output), "{\"old\":true}\n");
  }
  // The same check left alone ends at its deadline with a whole report: the signal cut it.
  auto r = RunProcess(CheckArgs({}, "1s"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("\"schema\":1"), std::string::npos);
}

// fault: signals | SIGTERM to `check --gate --wait-for-cloud 30s` while it waits between rounds (the initContainer's wait) | exit 143 within 300 ms, nothing on stdout
TEST_F(SignalDuringCheck, SigtermDuringWaitForCloudEndsPromptly) {
  ::close(listener_);  // refused: the rounds retry, with waits between them
  listener_ = -1;
  auto e =
      SignalAfter(CheckArgs({"--gate", "--wait-for-cloud", "30s"}), SIGTERM, milliseconds(1500));
  ASSERT_NE(e.status, -1) << "check --gate did not end within 3 s of SIGTERM";
  ASSERT_TRUE(WIFEXITED(e.status)) << e.status;
  EXPECT_EQ(WEXITSTATUS(e.status), 143);
  EXPECT_LT(e.after_ms, 300);
  EXPECT_EQ(e.out, "");
}

// fault: signals | SIGTERM to `check` running as PID 1 of a PID namespace (emulated initContainer), mid-probe | exit 143 within 300 ms (before: ignored, as PID 1 ignores signals it has no handler for, so it ran to its deadline); nothing on stdout
TEST_F(SignalDuringCheck, NamespacePid1_SigtermMidProbeIsNotIgnored) {
  if (!IsRoot()) GTEST_SKIP() << "needs root for a PID namespace";
  auto probe = RunProcess({"/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "/bin/true"});
  if (probe.exit_code != 0) GTEST_SKIP() << "this kernel refuses PID namespaces: " << probe.err;
  std::vector<std::string> argv = {"/usr/bin/unshare", "--pid", "--fork", "--mount-proc"};
  for (const auto& a : CheckArgs()) argv.push_back(a);
  auto e = SignalAfter(argv, SIGTERM, milliseconds(800), /*pid1=*/true);
  ASSERT_NE(e.status, -1) << "PID 1 ignored SIGTERM: still running 3 s later";
  ASSERT_TRUE(WIFEXITED(e.status)) << e.status;
  EXPECT_EQ(WEXITSTATUS(e.status), 143);
  EXPECT_LT(e.after_ms, 300);
  EXPECT_EQ(e.out, "");
  EXPECT_NE(e.err.find("check stopped by SIGTERM"), std::string::npos) << e.err;
}

}  // namespace
}  // namespace preflight::testing
