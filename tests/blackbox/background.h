#pragma once
/// A process the black-box tests start and watch while it runs: in the background (its own
/// process group), stdin and stdout on /dev/null, stderr to a file; with `unshare --pid --fork`
/// in front, Pid1() is the namespace's PID 1 (unshare's only child).

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "blackbox/run_util.h"

namespace preflight::testing {

/// Polls `done` every 10 ms until it is true or `timeout` passed; returns its last answer.
inline bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

/// The children of `pid` (/proc/PID/task/PID/children); none when it is gone.
inline std::vector<int> Children(int pid) {
  std::istringstream in(
      Slurp("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"));
  std::vector<int> out;
  for (int child; in >> child;) out.push_back(child);
  return out;
}

/// The first child of `pid`, or -1.
inline int FirstChild(int pid) {
  const std::vector<int> children = Children(pid);
  return children.empty() ? -1 : children.front();
}

class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
             const std::string& err_path)
      : err_path_(err_path) {
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      dup2(err, 2);
      std::vector<char*> args, envp;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      for (auto& e : env_strings) envp.push_back(e.data());
      envp.push_back(nullptr);
      execve(args[0], args.data(), envp.data());
      _exit(127);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background() {
    if (pid_ > 0 && !reaped_) {
      kill(-pid_, SIGKILL);
      if (int inner = Pid1(); inner > 0) kill(inner, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  int pid() const { return pid_; }
  /// The PID 1 of the namespace `unshare --fork` made: unshare's only child.
  int Pid1() const { return FirstChild(pid_); }
  int WaitPid1() const {
    int pid = -1;
    WaitFor([&] { return (pid = Pid1()) > 0; }, std::chrono::seconds(5));
    return pid;
  }

  /// The exit code, or -1 on timeout (-2 - N when killed by signal N).
  int Wait(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -2 - WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return -1;
  }
  std::string Err() const { return Slurp(err_path_); }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string err_path_;
};

}  // namespace preflight::testing
