#pragma once
/// A private network for the network black-box tests: this process enters its own network and
/// mount namespaces (only loopback, a tun device nobody reads (drops everything), an unreachable
/// route), bind-mounts its own /etc/hosts and /etc/resolv.conf, and starts the real parts:
/// the fake cloud (tests/fixtures/fake_cloud.py), dnsmasq and tinyproxy. No packet leaves.

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "blackbox/run_util.h"

namespace preflight::testing {

/// A fixture process, killed (SIGKILL, its pid only) when the object dies.
class Background {
 public:
  explicit Background(const std::vector<std::string>& argv) {
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Background() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  bool Alive() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  pid_t pid_ = -1;
};

inline std::string Sh(const std::string& cmd) {
  auto r = RunProcess({"/bin/sh", "-c", cmd + " 2>&1"}, {}, std::chrono::seconds(60));
  return r.exit_code == 0 ? "" : "`" + cmd + "` failed: " + r.out;
}

inline void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;  // in place: bind mounts keep the inode
}

/// Waits until a TCP port on 127.0.0.1 accepts, or a file exists.
inline bool WaitFor(const std::function<bool()>& ready, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (ready()) return true;
    usleep(20000);
  }
  return false;
}

inline bool FileExists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

}  // namespace preflight::testing
