#pragma once
/// The production System: real files, /proc, processes, network and agent.

#include <memory>

#include "container/system.h"

namespace preflight::container {

/// Reads the environment once at construction (from `envp`, normally `environ`).
class RealSystem final : public System {
 public:
  explicit RealSystem(char** envp);
  ~RealSystem() override;

  const EnvMap& Env() const override { return env_; }
  Expected<std::string> ReadFile(const std::string& path, size_t max_bytes,
                                 bool follow_symlinks) const override;
  Expected<FileInfo> Stat(const std::string& path, bool follow_symlinks) const override;
  int Access(const std::string& path, int mode) const override;
  Expected<std::vector<std::string>> ListDir(const std::string& path) const override;
  Expected<std::string> RealPath(const std::string& path) const override;
  Expected<FsSpace> StatFs(const std::string& path) const override;
  Expected<CommandResult> Run(const std::vector<std::string>& argv,
                              std::chrono::milliseconds timeout,
                              size_t max_output) const override;
  std::chrono::system_clock::time_point Now() const override;
  void Sleep(std::chrono::milliseconds duration) override;
  unsigned Euid() const override;
  int Pid() const override;
  std::string Hostname() const override;
  Status WriteFileAtomic(const std::string& path, const std::string& content) override;
  Status MakeDirs(const std::string& path, unsigned mode) override;
  Status Rename(const std::string& from, const std::string& to) override;

  SeccompProber& Seccomp() override { return *seccomp_; }
  NetworkProber& Network() override { return *network_; }
  AgentClient& Agent() override { return *agent_; }

 private:
  EnvMap env_;
  std::unique_ptr<SeccompProber> seccomp_;
  std::unique_ptr<NetworkProber> network_;
  std::unique_ptr<AgentClient> agent_;
};

/// Parses "NAME=value" entries; entries without '=' are ignored, the first of duplicates wins
/// (what getenv returns).
EnvMap ParseEnviron(char** envp);

}  // namespace preflight::container
