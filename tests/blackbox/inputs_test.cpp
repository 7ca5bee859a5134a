// Black-box: every input judged and every output honest (issue 24). The built binary, run as
// a user would, with odd inputs: malformed URLs and pins, full disks, FIFOs, busy ports, a
// terminal, a relative --var-lib, a runs.json that is a directory, a serve out of fds.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "blackbox/http_client.h"
#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

/// A check of the claim files only, against an empty temp tree.
class Inputs : public ::testing::Test {
 protected:
  void SetUp() override {
    var_lib = dir.Mkdir("var/lib/netdata");
    config = dir.Mkdir("etc/netdata");
    cache = dir.Mkdir("var/cache/netdata");
  }
  std::vector<std::string> Check(std::vector<std::string> extra) const {
    std::vector<std::string> a = {"check",
                                  "--var-lib",
                                  var_lib,
                                  "--config-dir",
                                  config,
                                  "--cache-dir",
                                  cache,
                                  "--termination-log",
                                  "/nonexistent/termination-log"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  static std::string Shell(const std::vector<std::string>& args) {
    std::string cmd = "exec '" + BinaryPath() + "'";
    for (const auto& a : args) cmd += " '" + a + "'";
    return cmd;
  }
  TempDir dir;
  std::string var_lib, config, cache;
};

void ExpectUsageLine(const ProcessResult& r, const std::string& mentions) {
  SCOPED_TRACE(mentions);
  EXPECT_EQ(r.exit_code, 64) << r.err;
  EXPECT_TRUE(Contains(r.err, mentions)) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

// fault: input | --cloud-url `https://app netdata.cloud`, with CR/LF inside, `http://`, without a scheme (all once accepted: every network check skipped, verdict live, exit 0) | exit 64, one line naming --cloud-url and https://app.netdata.cloud; the CR/LF shown escaped
// fault: input | --resolve api.netdata.cloud:443:not-an-ip (once ignored: real DNS used), port 99999 | exit 64 naming --resolve and the bad part
TEST_F(Inputs, MalformedCloudUrlAndResolveExit64) {
  for (const std::string bad : {"https://app netdata.cloud", "https://app.netdata.cloud\r\nX: y",
                                "http://", "app.netdata.cloud"}) {
    auto r = RunPreflight(Check({"--only", "network.dns", "--cloud-url", bad}));
    ExpectUsageLine(r, "--cloud-url: ");
    EXPECT_TRUE(Contains(r.err, "https://app.netdata.cloud")) << r.err;
    EXPECT_EQ(r.err.find('\r'), std::string::npos) << "a raw CR reached the terminal";
  }
  auto crlf = RunPreflight(Check({"--cloud-url", "https://a.b\r\nX"}));
  EXPECT_TRUE(Contains(crlf.err, "\\r\\nX")) << crlf.err;
  ExpectUsageLine(RunPreflight(Check({"--resolve", "api.netdata.cloud:443:not-an-ip"})),
                  "where an IP address belongs");
  ExpectUsageLine(RunPreflight(Check({"--resolve", "api.netdata.cloud:99999:127.0.0.1"})),
                  "bad port `99999`");
}

// fault: input | `check --deadline 1ms` (every network check `error`: the network could not be checked) | exit 1 (error counts against --fail-on fail); exit 0 only with --fail-on never
TEST_F(Inputs, CheckThatCouldNotLookIsNotASuccess) {
  auto r = RunPreflight(
      Check({"--only", "network", "--deadline", "1ms", "--format", "json", "--resolve",
             "api.netdata.cloud:443:127.0.0.1", "--resolve", "app.netdata.cloud:443:127.0.0.1",
             "--resolve", "mqtt.netdata.cloud:443:127.0.0.1"}));
  auto doc = Json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.out << r.err;
  bool error = false, fail = false;
  for (const auto& c : doc["checks"]) {
    error = error || c["status"] == "error";
    fail = fail || c["status"] == "fail";
  }
  ASSERT_TRUE(error) << "no check ended in `error` under a 1 ms deadline: " << r.out;
  EXPECT_EQ(r.exit_code, 1) << r.out;
  auto never = RunPreflight(Check({"--only", "network", "--deadline", "1ms", "--fail-on", "never",
                                   "--resolve", "api.netdata.cloud:443:127.0.0.1"}));
  EXPECT_EQ(never.exit_code, 0) << never.err;
}

// fault: input | `check > /dev/full` (once exit 0 with a truncated report) | exit 74 and one stderr line naming stdout
// fault: input | --output into a missing directory; onto a directory (once exit 70, "a bug") | exit 73 with the fix ("does not exist: create it", "name a file in it")
TEST_F(Inputs, OutputErrorsAre73And74NeverSuccessOrABug) {
  auto full = RunProcess(
      {"/bin/sh", "-c", Shell(Check({"--only", "claim", "--format", "json"})) + " > /dev/full"});
  EXPECT_EQ(full.exit_code, 74) << full.err;
  EXPECT_TRUE(Contains(full.err, "stdout")) << full.err;
  auto missing =
      RunPreflight(Check({"--only", "claim", "--output", dir.path() + "/no/such/r.json"}));
  EXPECT_EQ(missing.exit_code, 73) << missing.err;
  EXPECT_TRUE(Contains(missing.err, "does not exist: create it")) << missing.err;
  auto onto_dir = RunPreflight(Check({"--only", "claim", "--output", dir.path()}));
  EXPECT_EQ(onto_dir.exit_code, 73) << onto_dir.err;
  EXPECT_TRUE(Contains(onto_dir.err, "name a file in it")) << onto_dir.err;
  auto dev_full = RunPreflight(Check({"--only", "claim", "--output", "/dev/full"}));
  EXPECT_EQ(dev_full.exit_code, 74) << dev_full.err;
}

// fault: input | --termination-log and --output on a FIFO nobody reads (once: blocked forever in open() with the stop signals blocked, only SIGKILL ended it) | check returns at once: the termination log is skipped, --output is exit 73 "no process is reading"
TEST_F(Inputs, FifoOutputsNeverBlock) {
  const std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  std::vector<std::string> tlog = Check({"--only", "claim"});
  tlog[tlog.size() - 3] = fifo;  // the --termination-log value
  auto start = std::chrono::steady_clock::now();
  auto t = RunPreflight(tlog, {}, 10s);
  EXPECT_FALSE(t.timed_out);
  EXPECT_TRUE(t.exit_code == 0 || t.exit_code == 1) << t.err;
  auto o = RunPreflight(Check({"--only", "claim", "--output", fifo}), {}, 10s);
  EXPECT_FALSE(o.timed_out);
  EXPECT_EQ(o.exit_code, 73) << o.err;
  EXPECT_TRUE(Contains(o.err, "no process is reading")) << o.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// fault: input | --only network.dns --offline, --only claim --skip claim (zero checks selected; once a PASS) | exit 64 "leave no check to run"
TEST_F(Inputs, NothingSelectedIsAUsageError) {
  ExpectUsageLine(RunPreflight(Check({"--only", "network.dns", "--offline"})),
                  "leave no check to run");
  ExpectUsageLine(RunPreflight(Check({"--only", "claim", "--skip", "claim"})),
                  "leave no check to run");
}

// fault: input | relative --var-lib v1/lib (once: "Mount a persistent volume at v1/lib") | messages name the absolute path from the working directory
TEST_F(Inputs, RelativeVarLibIsMadeAbsolute) {
  dir.Mkdir("v1/lib");
  auto r = RunProcess({"/bin/sh", "-c",
                       "cd '" + dir.path() + "' && exec '" + BinaryPath() +
                           "' check --only container.volume --format json --var-lib v1/lib "
                           "--config-dir etc --cache-dir . --termination-log /nonexistent"});
  auto doc = Json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.out << r.err;
  const std::string text = doc["checks"].dump();
  EXPECT_TRUE(Contains(text, dir.path() + "/v1/lib")) << text;
  EXPECT_FALSE(Contains(text, " v1/lib")) << text;
}

// fault: input | `check --offline=banana`, `explain` without an id, `check --log-level` without a value, `check trace`, a --format with an escape sequence | friendly one-line messages (never "Could not convert", "required TEXT missing", "not expected"), control characters escaped
TEST(CliMessages, FriendlyAndEscaped) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"check", "--offline=banana"}, "--offline is a switch and takes no value (got `banana`)"},
      {{"explain"}, "`explain` needs CHECK_ID, e.g. `netdata-preflight explain claim.token`"},
      {{"check", "--log-level"}, "--log-level needs a value"},
      {{"check", "trace"}, "`check` takes no argument `trace`"},
      {{"check", "--frobnicate"}, "`check` has no option --frobnicate"},
      {{"check", "--format", "y\x1b[31mred"}, "y\\x1b[31mred"},
  };
  for (const auto& c : cases) {
    auto r = RunPreflight(c.args);
    ExpectUsageLine(r, c.says);
    for (const char* raw : {"Could not convert", "required TEXT missing", "not expected"}) {
      EXPECT_FALSE(Contains(r.err, raw)) << r.err;
    }
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "raw escape in: " << r.err;
  }
}

// fault: input | `probe --log-level debug` (once rejected as "not expected") | accepted: probe answers (not ready: nothing listens), never exit 64
TEST(CliMessages, ProbeAcceptsLogLevel) {
  const uint16_t port = FreeLoopbackPort();
  auto r = RunPreflight({"probe", "--log-level", "debug", "--cli-socket", "none", "--api",
                         "http://127.0.0.1:" + std::to_string(port), "--timeout", "500ms"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Contains(r.out, "not ready")) << r.out;
}

// fault: input | `--help` of the tool and of check; the usage line; duration options | examples and every exit code (64, 73, 74, 78) listed; "Usage: netdata-preflight" (the base name, not the full path); durations shown as DURATION
TEST(CliMessages, HelpHasExamplesExitCodesAndTheBaseName) {
  auto root = RunPreflight({"--help"});
  EXPECT_EQ(root.exit_code, 0);
  for (const char* part :
       {"Examples:", "Exit codes:", "64  usage error", "73  cannot create", "74  I/O error",
        "78  run / check --gate", "netdata-preflight check --gate"}) {
    EXPECT_TRUE(Contains(root.out, part)) << part << "\n" << root.out;
  }
  EXPECT_TRUE(Contains(root.out, "Usage: netdata-preflight ")) << root.out;
  EXPECT_FALSE(Contains(root.out, BinaryPath())) << "the usage line shows the full path";
  auto check = RunPreflight({"check", "--help"});
  EXPECT_TRUE(Contains(check.out, "Examples:")) << check.out;
  EXPECT_TRUE(Contains(check.out, "--deadline DURATION")) << check.out;
  EXPECT_TRUE(Contains(check.out, "--wait-for-cloud DURATION")) << check.out;
  EXPECT_FALSE(Contains(check.out, "--deadline TEXT")) << check.out;
  EXPECT_TRUE(Contains(RunPreflight({"probe", "--help"}).out, "--timeout DURATION"));
  EXPECT_TRUE(Contains(RunPreflight({"serve", "--help"}).out, "--interval DURATION"));
  const std::string run = RunPreflight({"run", "--help"}).out;
  for (const char* flag :
       {"--grace DURATION", "--link-timeout DURATION", "--wait-for-cloud DURATION"}) {
    EXPECT_TRUE(Contains(run, flag)) << flag << "\n" << run;
  }
}

// fault: input | --deadline 5 (a bare number), 1000h, 1d (once: 5 accepted while the error said a unit is required; 1000h and 1d rejected) | all accepted the same way (a bare number is seconds); `soon` rejected saying so
TEST_F(Inputs, DurationsAreConsistent) {
  for (const char* d : {"5", "1000h", "1d", "1m30s"}) {
    auto r = RunPreflight(Check({"--only", "claim.token", "--deadline", d}));
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << d << ": " << r.err;
  }
  auto bad = RunPreflight(Check({"--only", "claim.token", "--deadline", "soon"}));
  ExpectUsageLine(bad, "a bare number is seconds");
}

// fault: input | --log-level trace (once printed nothing at all) | trace lines on stderr: the inputs, each check with its time, the verdict
TEST_F(Inputs, LogLevelTracePrintsTrace) {
  auto r = RunPreflight(Check({"--only", "claim.token", "--log-level", "trace"}));
  EXPECT_TRUE(Contains(r.err, "netdata-preflight: trace: inputs: var-lib " + var_lib)) << r.err;
  EXPECT_TRUE(Contains(r.err, "netdata-preflight: trace: claim.token: ")) << r.err;
  EXPECT_TRUE(Contains(r.err, "netdata-preflight: trace: verdict: ")) << r.err;
  auto quiet = RunPreflight(Check({"--only", "claim.token"}));
  EXPECT_FALSE(Contains(quiet.err, "trace:")) << quiet.err;
}

/// Runs the binary on a pseudo-terminal of `cols` columns with `env`; all it printed.
std::string OnATerminal(const std::vector<std::string>& args, const std::vector<std::string>& env,
                        unsigned short cols) {
  winsize ws{};
  ws.ws_row = 50;
  ws.ws_col = cols;
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, &ws);
  if (pid == 0) {
    std::vector<std::string> argv = {BinaryPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> a, e;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    std::vector<std::string> envs = env;
    for (auto& s : envs) e.push_back(s.data());
    e.push_back(nullptr);
    ::execve(a[0], a.data(), e.data());
    ::_exit(127);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child closed the terminal
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(master);
  ::waitpid(pid, nullptr, 0);
  return out;
}

// fault: input | the text report on an 80-column terminal (once lines of 420 characters); TERM=dumb and NO_COLOR (once coloured) | every line at most 80 columns; colour on a real terminal, none with TERM=dumb or NO_COLOR; the guide as a full URL
TEST_F(Inputs, TerminalWrapsAndHonoursDumbAndNoColor) {
  // A claim.conf that is a directory gives a long message and fix.
  dir.Mkdir("etc/netdata/claim.conf");
  const std::vector<std::string> args = Check({"--only", "claim"});
  const std::string colour = OnATerminal(args, {"TERM=xterm", "PATH=/usr/bin:/bin"}, 80);
  EXPECT_TRUE(Contains(colour, "\033[")) << "no colour on a terminal: the test proves nothing\n"
                                         << colour;
  EXPECT_TRUE(Contains(colour, "guide: https://learn.netdata.cloud/")) << colour;
  size_t start = 0;
  while (start < colour.size()) {
    size_t end = colour.find('\n', start);
    if (end == std::string::npos) end = colour.size();
    std::string line = colour.substr(start, end - start);
    std::string plain;  // without colour escapes and the terminal's \r
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\033') {
        while (i < line.size() && line[i] != 'm') ++i;
      } else if (line[i] != '\r') {
        plain += line[i];
      }
    }
    if (!Contains(plain, "https://")) {  // a URL stays whole
      EXPECT_LE(plain.size(), 80u) << plain;
    }
    start = end + 1;
  }
  EXPECT_FALSE(Contains(OnATerminal(args, {"TERM=dumb"}, 80), "\033[")) << "TERM=dumb";
  EXPECT_FALSE(Contains(OnATerminal(args, {"TERM=xterm", "NO_COLOR=1"}, 80), "\033["))
      << "NO_COLOR";
}

// fault: records | runs.json is a directory when `run` starts (once: never set aside, no run recorded again) | set aside as runs.json.corrupt-*, the start recorded in a fresh runs.json, the hand-off goes on
TEST_F(Inputs, RunSetsAsideARunsJsonDirectory) {
  dir.Mkdir("var/lib/netdata/preflight/runs.json/inside");
  auto r = RunProcess({BinaryPath(), "run", "--only", "claim.token", "--var-lib", var_lib,
                       "--config-dir", config, "--cache-dir", cache, "--log-level", "warn",
                       "--termination-log", "/nonexistent", "--", "/bin/true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "set aside as")) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat((var_lib + "/preflight/runs.json").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_TRUE(Contains(Slurp(var_lib + "/preflight/runs.json"), "\"start_ms\""));
  bool aside = false;
  for (const auto& e : std::filesystem::directory_iterator(var_lib + "/preflight")) {
    aside = aside || Contains(e.path().filename().string(), "runs.json.corrupt-");
  }
  EXPECT_TRUE(aside);
}

/// `serve` in the background on a free port.
class Serve : public Inputs {
 protected:
  void Start(std::vector<std::string> extra, std::vector<std::string> prefix = {}) {
    std::vector<std::string> argv = prefix;
    argv.push_back(BinaryPath());
    for (const char* a : {"serve", "--interval", "1s", "--var-lib", var_lib.c_str(), "--config-dir",
                          config.c_str(), "--cache-dir", cache.c_str()}) {
      argv.push_back(a);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    server = std::make_unique<Background>(argv, dir.path() + "/serve.log");
  }
  std::string Log() const { return Slurp(dir.path() + "/serve.log"); }
  /// Waits for the start-up line and returns the port it names (0 if none within 5 s).
  uint16_t AnnouncedPort() {
    for (int i = 0; i < 100; ++i) {
      const std::string log = Log();
      auto at = log.find("serving on 127.0.0.1:");
      if (at != std::string::npos) return static_cast<uint16_t>(std::stoi(log.substr(at + 21)));
      ::usleep(50 * 1000);
    }
    return 0;
  }
  std::unique_ptr<Background> server;
};

// fault: serve | --listen 127.0.0.1:0 (once: nothing printed at start, the port unknowable) | a start-up line "serving on 127.0.0.1:<port>" whatever the log level, and that port answers
// fault: serve | HEAD /healthz (once: a body and no Content-Length) | 200 with Content-Length 3 and no body
// fault: serve | the verdict changes between check runs (claim.conf appears with a placeholder token) | one log line per change: "verdict to ..." then "verdict changed from SKIP (unknown) to FAIL (absent)"
TEST_F(Serve, AnnouncesItsAddressAndVerdictChangesAndAnswersHead) {
  Start({"--listen", "127.0.0.1:0", "--only", "claim.token"});
  const uint16_t port = AnnouncedPort();
  ASSERT_NE(port, 0) << Log();
  EXPECT_EQ(Get(port, "/healthz").status, 200);
  auto head = RawRequest(port, "HEAD /healthz HTTP/1.0\r\n\r\n");
  EXPECT_EQ(head.status, 200) << head.raw;
  EXPECT_TRUE(Contains(head.raw, "Content-Length: 3\r\n")) << head.raw;
  EXPECT_EQ(head.body, "") << head.raw;
  for (int i = 0; i < 100 && !Contains(Log(), "verdict to "); ++i) ::usleep(50 * 1000);
  EXPECT_TRUE(Contains(Log(), "verdict to SKIP (unknown): Claiming is not configured")) << Log();
  dir.Write("etc/netdata/claim.conf", "[global]\ntoken = YOUR_CLAIM_TOKEN\n");
  for (int i = 0; i < 100 && !Contains(Log(), "verdict changed"); ++i) ::usleep(50 * 1000);
  EXPECT_TRUE(Contains(Log(), "verdict changed from SKIP (unknown) to FAIL (absent)")) << Log();
  auto metrics = Get(port, "/metrics");
  EXPECT_TRUE(Contains(metrics.body, "# TYPE netdata_preflight_check_runs_failed_total counter"))
      << metrics.body;
  EXPECT_EQ(Get(port, "/nope").raw.substr(8, 14), " 404 Not Found") << "reason phrase";
}

// fault: serve | --listen on a port already in use (once exit 70, "is another serve running?") | exit 73, "already in use by another process", the fix names --listen
// fault: serve | --listen on an address this host does not have (192.0.2.1) | exit 64, "is not an address of this host"
TEST_F(Serve, ListenFailuresAreNamedWithTheRightFix) {
  const uint16_t port = FreeLoopbackPort();
  int busy = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  ASSERT_EQ(::bind(busy, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(busy, 1), 0);
  auto in_use = RunPreflight({"serve", "--listen", "127.0.0.1:" + std::to_string(port)}, {}, 10s);
  ::close(busy);
  EXPECT_EQ(in_use.exit_code, 73) << in_use.err;
  EXPECT_TRUE(Contains(in_use.err, "already in use by another process")) << in_use.err;
  EXPECT_FALSE(Contains(in_use.err, "another serve")) << in_use.err;
  auto foreign = RunPreflight({"serve", "--listen", "192.0.2.1:19998"}, {}, 10s);
  EXPECT_EQ(foreign.exit_code, 64) << foreign.err;
  EXPECT_TRUE(Contains(foreign.err, "is not an address of this host")) << foreign.err;
}

// fault: serve | under `prlimit --nofile=1024`, 1100 idle connections (once: /healthz timed out for 3 s) | /healthz still answers within 1 s: a reserve fd finds the oldest idle connections, which are shed
TEST_F(Serve, OutOfFdsStillAnswersHealthz) {
  rlimit rl{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &rl), 0);
  if (rl.rlim_max < 1300)
    GTEST_SKIP() << "this test needs 1300 fds of its own; hard limit " << rl.rlim_max;
  rlimit raised{1300, rl.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &raised), 0);
  if (::access("/usr/bin/prlimit", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/prlimit (util-linux)";
  const uint16_t port = FreeLoopbackPort();
  Start({"--listen", "127.0.0.1:" + std::to_string(port), "--only", "claim.token"},
        {"/usr/bin/prlimit", "--nofile=1024"});
  for (int i = 0; i < 100 && Get(port, "/healthz").status != 200; ++i) ::usleep(50 * 1000);
  ASSERT_EQ(Get(port, "/healthz").status, 200) << Log();
  // Paced, so that the server accepts until it has no fd left (a burst overflows the listen
  // backlog instead), then a moment for it to get there.
  std::vector<int> idle;
  for (int i = 0; i < 1100; ++i) {
    int fd = ConnectLoopback(port);
    if (fd >= 0) idle.push_back(fd);
    if (i % 50 == 49) ::usleep(20 * 1000);
  }
  EXPECT_GE(idle.size(), 1000u);
  ::usleep(1000 * 1000);
  for (int round = 0; round < 3; ++round) {
    const auto start = std::chrono::steady_clock::now();
    auto answer = Get(port, "/healthz", 3s);
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(answer.status, 200) << "round " << round;
    EXPECT_LT(took, 1.0) << "round " << round;
  }
  for (int fd : idle) ::close(fd);
  ::setrlimit(RLIMIT_NOFILE, &rl);
}

}  // namespace
}  // namespace preflight::testing
