// Every input judged (--cloud-url, --resolve, the selection, relative directories) and every
// output honest (check's exit status counts `error`; report writes are checked, never hang).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "blackbox/run_util.h"
#include "checks/catalog.h"
#include "cmd/cli_common.h"
#include "cmd/exit_codes.h"
#include "container/state/output_file.h"

namespace preflight::cmd {
namespace {

using checks::Result;

checks::Report OneCheck(Result result) {
  checks::Report r;
  r.checks.push_back({checks::FindCheck("network.dns"), std::move(result)});
  r.verdict.summary = "s";
  return r;
}

// fault: input | --cloud-url `https://app netdata.cloud`, a CR/LF inside, `http://`, `http://app.netdata.cloud`, no scheme, `https://`, a quote in the host, `,` | exit 64 naming --cloud-url and the fix (https://app.netdata.cloud)
TEST(ValidateCloudUrl, MalformedUrlsAreUsageErrors) {
  for (const char* bad : {"https://app netdata.cloud", "https://app.netdata.cloud\r\nX: y",
                          "https://app.net\ndata.cloud", "http://", "http://app.netdata.cloud",
                          "app.netdata.cloud", "https://", "https://a\"b.cloud", ",",
                          "ftp://app.netdata.cloud", "https://app.netdata.cloud:99999"}) {
    Status s = ValidateCloudUrl(bad);
    SCOPED_TRACE(bad);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message.rfind("--cloud-url: ", 0), 0u) << s.error().message;
    EXPECT_NE(s.error().message.find("https://app.netdata.cloud"), std::string::npos);
  }
  for (const char* good :
       {"https://app.netdata.cloud", "https://APP.netdata.cloud/", "https://app.netdata.cloud:8443",
        "https://[::1]:443", "https://app.netdata.cloud, https://mqtt.netdata.cloud"}) {
    EXPECT_TRUE(ValidateCloudUrl(good).ok()) << good;
  }
}

// fault: input | --resolve with a bad address (api.netdata.cloud:443:not-an-ip), port 99999, port 0, no port, a host with a space | exit 64 naming --resolve, the bad part and an example
TEST(ValidateResolve, BadAddressOrPortIsAUsageError) {
  struct Case {
    const char* pin;
    const char* says;
  } cases[] = {{"api.netdata.cloud:443:not-an-ip", "where an IP address belongs"},
               {"api.netdata.cloud:99999:127.0.0.1", "bad port `99999`"},
               {"api.netdata.cloud:0:127.0.0.1", "bad port `0`"},
               {"api.netdata.cloud::127.0.0.1", "bad port"},
               {"api netdata.cloud:443:127.0.0.1", "bad host name"},
               {"nonsense", "is not HOST:PORT:ADDR"}};
  for (const auto& c : cases) {
    Status s = ValidateResolve(c.pin);
    SCOPED_TRACE(c.pin);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("--resolve: `"), std::string::npos);
    EXPECT_NE(s.error().message.find(c.says), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("api.netdata.cloud:443:127.0.0.1"), std::string::npos);
  }
  EXPECT_TRUE(ValidateResolve("api.netdata.cloud:443:127.0.0.1").ok());
  EXPECT_TRUE(ValidateResolve("mqtt.netdata.cloud:443:[::1]").ok());
}

// fault: input | --only network.dns --offline; --only claim --skip claim | exit 64: "leave no check to run", never a PASS of nothing
TEST(FinishCommon, ASelectionOfNothingIsAUsageError) {
  CommonOptions o;
  o.selection.only = {"network.dns"};
  o.selection.offline = true;
  Status s = FinishCommon(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("leave no check to run"), std::string::npos);
  CommonOptions o2;
  o2.selection.only = {"claim"};
  o2.selection.skip = {"claim"};
  EXPECT_FALSE(FinishCommon(o2).ok());
  CommonOptions o3;
  o3.selection.only = {"claim.token"};
  EXPECT_TRUE(FinishCommon(o3).ok());
}

// fault: input | relative --var-lib v1/lib (and ./etc, .) | made absolute from the working directory, so every message names a path a person can find
TEST(FinishCommon, RelativeDirectoriesBecomeAbsolute) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  CommonOptions o;
  o.inputs.var_lib = "v1/lib";
  o.inputs.config_dir = "./etc/";
  o.inputs.cache_dir = ".";
  ASSERT_TRUE(FinishCommon(o).ok());
  const std::string base(cwd);
  EXPECT_EQ(o.inputs.var_lib, base + "/v1/lib");
  EXPECT_EQ(o.inputs.config_dir, base + "/etc");
  EXPECT_EQ(o.inputs.cache_dir, base);
  CommonOptions abs;
  ASSERT_TRUE(FinishCommon(abs).ok());
  EXPECT_EQ(abs.inputs.var_lib, "/var/lib/netdata");
}

// fault: input | `check` where the network could not be checked at all (every network check `error`) | exit 1 with --fail-on fail (error counts as fail); 0 only with --fail-on never
TEST(ReachesFailOn, ErrorCountsAsFail) {
  auto error = OneCheck(Result::Error("deadline reached"));
  EXPECT_TRUE(ReachesFailOn(error, "fail"));
  EXPECT_TRUE(ReachesFailOn(error, "warn"));
  EXPECT_FALSE(ReachesFailOn(error, "never"));
  auto warn = OneCheck(Result::Warn("w", "f"));
  EXPECT_FALSE(ReachesFailOn(warn, "fail"));
  EXPECT_TRUE(ReachesFailOn(warn, "warn"));
  EXPECT_FALSE(ReachesFailOn(OneCheck(Result::Pass("p")), "warn"));
}

// fault: input | --output /dev/full; into a missing directory; onto a directory | exit 74 (I/O error) / 73 (cannot create), the line names the file and the fix; never 70
TEST(WriteReport, EnvironmentErrorsAre73Or74WithTheFix) {
  testing::TempDir d;
  OutputOptions out;
  out.format = "json";
  auto report = OneCheck(Result::Pass("p"));

  out.output = "/dev/full";
  Status full = WriteReport(report, out, {});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(OutputExitCode(full.error()), kExitIoError) << full.error().message;

  out.output = d.path() + "/missing/report.json";
  Status missing = WriteReport(report, out, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(OutputExitCode(missing.error()), kExitCannotCreate);
  EXPECT_NE(missing.error().message.find("does not exist: create it"), std::string::npos)
      << missing.error().message;

  out.output = d.path();
  Status dir = WriteReport(report, out, {});
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(OutputExitCode(dir.error()), kExitCannotCreate);
  EXPECT_NE(dir.error().message.find("it is a directory: name a file in it"), std::string::npos)
      << dir.error().message;
}

// fault: input | --output and --termination-log on a FIFO that nobody reads | returns at once (O_NONBLOCK): --output is exit 73 "no process is reading", the termination log is skipped
TEST(WriteReport, FifoWithoutReaderNeverBlocks) {
  testing::TempDir d;
  const std::string fifo = d.path() + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  OutputOptions out;
  out.output = fifo;
  const auto start = std::chrono::steady_clock::now();
  Status s = WriteReport(OneCheck(Result::Pass("p")), out, {});
  WriteTerminationLog(OneCheck(Result::Pass("p")), fifo, {});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(OutputExitCode(s.error()), kExitCannotCreate);
  EXPECT_NE(s.error().message.find("no process is reading"), std::string::npos)
      << s.error().message;
}

// fault: signals | a reader that stops reading while a report is written with SIGTERM blocked | the write gives up (EINTR) as soon as SIGTERM is pending: the process stays killable
TEST(WriteOutput, PendingStopSignalEndsAStuckWrite) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  sigset_t term, before;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(::sigprocmask(SIG_BLOCK, &term, &before), 0);
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);  // pending, blocked
  const std::string big(1 << 20, 'x');        // more than any pipe buffer
  Status s = container::WriteOutput(fds[1], big, "pipe");
  sigset_t pending;
  sigpending(&pending);
  int sig = 0;
  if (sigismember(&pending, SIGTERM)) sigwait(&term, &sig);  // consume it
  ::sigprocmask(SIG_SETMASK, &before, nullptr);
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, EINTR);
}

}  // namespace
}  // namespace preflight::cmd
