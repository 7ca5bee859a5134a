#pragma once
/// The production System: real files, /proc, processes, network and agent.

#include <memory>
#include <optional>

#include "container/state/atomic_file.h"
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
  Expected<std::string> ReadFileAt(const std::string& path, uint64_t offset,
                                   size_t max_bytes) const override;
  Expected<std::string> ReadStateFile(const std::string& path, size_t max_bytes) const override;
  Expected<FileInfo> Stat(const std::string& path, bool follow_symlinks) const override;
  int Access(const std::string& path, int mode) const override;
  Expected<std::vector<std::string>> ListDir(const std::string& path) const override;
  Expected<std::string> RealPath(const std::string& path) const override;
  Expected<FsSpace> StatFs(const std::string& path) const override;
  LockState OwnerLock(const std::string& var_lib) const override { return ProbeOwnerLock(var_lib); }
  Expected<CommandResult> Run(const std::vector<std::string>& argv,
                              std::chrono::milliseconds timeout, size_t max_output) const override;
  std::chrono::system_clock::time_point Now() const override;
  void Sleep(std::chrono::milliseconds duration) override;
  unsigned Euid() const override;
  int Pid() const override;
  std::string Hostname() const override;
  Status WriteFileAtomic(const std::string& path, const std::string& content) override;
  Status MakeDirs(const std::string& path, unsigned mode) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  void DeferWrites() override;
  void FlushWrites() override;

  SeccompProber& Seccomp() override { return *seccomp_; }
  /// Created on first use: curl and OpenSSL's global set-up (reading openssl.cnf) is paid only
  /// by commands that reach the network, never by an offline `run` or a `probe`.
  NetworkProber& Network() override;
  AgentClient& Agent() override { return *agent_; }

 private:
  EnvMap env_;
  std::unique_ptr<SeccompProber> seccomp_;
  std::unique_ptr<NetworkProber> network_;
  std::unique_ptr<AgentClient> agent_;
  std::optional<FileWrites> deferred_;  ///< set by DeferWrites, done by FlushWrites
};

/// Parses "NAME=value" entries; entries without '=' are ignored, the first of duplicates wins
/// (what getenv returns).
EnvMap ParseEnviron(char** envp);

}  // namespace preflight::container
