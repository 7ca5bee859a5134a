#pragma once
/// The real Debian netdata-core 1.37.1 agent, run from the unpacked package
/// ($PREFLIGHT_DEPS_DIR/netdata) in the foreground on a free loopback port, with its own
/// config, lib, cache and log directories. It runs in a private mount namespace with its own
/// /tmp, because v1.37 always puts its netdatacli socket at /tmp/netdata-ipc (no
/// NETDATA_PIPENAME before v1.41); the socket is reached as /proc/<pid>/root/tmp/netdata-ipc.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

#include "blackbox/run_util.h"

namespace preflight::testing {

class DebianAgent {
 public:
  static std::string Root() { return std::string(PREFLIGHT_DEPS_DIR) + "/netdata"; }
  static std::string Binary() { return Root() + "/usr/sbin/netdata"; }
  static bool Available() { return ::access(Binary().c_str(), X_OK) == 0; }

  DebianAgent() {
    // Not under /tmp: the agent's /tmp is a private tmpfs.
    char tmpl[] = "/var/tmp/preflight-debian-agent.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    for (const char* d : {"/etc", "/lib", "/cache", "/log"}) ::mkdir((dir_ + d).c_str(), 0755);
    port_ = FreeLoopbackPort();
    std::ofstream(dir_ + "/etc/netdata.conf") << Config();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      int log = ::open((dir_ + "/out.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(log, 1);
      ::dup2(log, 2);
      // The unpacked agent may itself live under /tmp (a checkout there): bind it to our
      // directory first, so the private /tmp does not hide it.
      const std::string root = dir_ + "/agent";  // Config() names paths under it
      const std::string cmd = "mkdir -p " + root + " && mount --bind " + Root() + " " + root +
                              " && mount -t tmpfs none /tmp && exec " + root +
                              "/usr/sbin/netdata -D -c " + dir_ + "/etc/netdata.conf -p " +
                              std::to_string(port_) + " -u root";
      ::execlp("unshare", "unshare", "-m", "--propagation", "private", "sh", "-c", cmd.c_str(),
               nullptr);
      ::_exit(127);
    }
  }
  ~DebianAgent() {
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      ::usleep(100 * 1000);
    }
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::system(("rm -rf '" + dir_ + "'").c_str());
  }
  DebianAgent(const DebianAgent&) = delete;
  DebianAgent& operator=(const DebianAgent&) = delete;

  uint16_t port() const { return port_; }
  std::string api() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string socket() const { return "/proc/" + std::to_string(pid_) + "/root/tmp/netdata-ipc"; }
  const std::string& dir() const { return dir_; }
  std::string Log() const {
    std::ifstream in(dir_ + "/out.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  /// Waits until /api/v1/info answers 200 and the socket exists (it takes seconds: SQLite).
  bool WaitReady(std::chrono::seconds budget = std::chrono::seconds(90)) const {
    auto end = std::chrono::steady_clock::now() + budget;
    while (std::chrono::steady_clock::now() < end) {
      struct stat st {};
      auto r = RunProcess({"/usr/bin/curl", "-fsS", "-m", "1", api() + "/api/v1/info"}, {},
                          std::chrono::seconds(3));
      if (r.exit_code == 0 && ::stat(socket().c_str(), &st) == 0) return true;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return false;
      ::usleep(250 * 1000);
    }
    return false;
  }

 private:
  std::string Config() const {
    const std::string r = dir_ + "/agent";  // Root() as the agent sees it (bound in its namespace)
    return "[global]\n  run as user = root\n  hostname = preflight-test\n"
           "  config directory = " +
           dir_ +
           "/etc\n"
           "  stock config directory = " +
           r +
           "/usr/lib/netdata/conf.d\n"
           "  plugins directory = " +
           r +
           "/usr/lib/netdata/plugins.d\n"
           "  web files directory = " +
           r +
           "/usr/share/netdata/web\n"
           "  cache directory = " +
           dir_ + "/cache\n  lib directory = " + dir_ +
           "/lib\n"
           "  log directory = " +
           dir_ +
           "/log\n  memory mode = ram\n  history = 60\n"
           "[web]\n  bind to = 127.0.0.1\n"
           "[plugins]\n  enable running new plugins = no\n  checks = no\n  idlejitter = no\n"
           "  proc = no\n  diskspace = no\n  cgroups = no\n  tc = no\n  statsd = no\n"
           "  timex = no\n"
           "[health]\n  enabled = no\n[ml]\n  enabled = no\n[registry]\n  enabled = no\n";
  }

  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace preflight::testing
