#pragma once
/// The test seam: checks read the world only through System. Production code uses
/// RealSystem (real_system.h); tests use tests/fakes/fake_system.h.
///
/// Generic primitives live here. Domain services (seccomp probing, network probes, agent
/// clients, the preflight state files) are interfaces of their own, one header each, reached
/// through the accessors below.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "container/base/expected.h"
#include "container/file_info.h"
#include "container/state/owner_lock.h"

namespace preflight::container {

class SeccompProber;
class NetworkProber;
class AgentClient;

/// The environment, read once at start.
using EnvMap = std::map<std::string, std::string, std::less<>>;

class System {
 public:
  virtual ~System() = default;

  /// The environment snapshot.
  virtual const EnvMap& Env() const = 0;
  /// Reads at most `max_bytes` of a file. With `follow_symlinks` false, a symlink at the last
  /// component is an error (ELOOP) instead of being read through.
  virtual Expected<std::string> ReadFile(const std::string& path, size_t max_bytes = 1 << 20,
                                         bool follow_symlinks = true) const = 0;
  /// Reads at most `max_bytes` of a file from byte `offset` on (one section of a large file:
  /// the .dynstr of libc.so.6). Past the end: empty.
  virtual Expected<std::string> ReadFileAt(const std::string& path, uint64_t offset,
                                           size_t max_bytes) const = 0;
  /// Reads at most `max_bytes` of one of the files WriteFileAtomic writes, as one whole
  /// version (container::ReadFileAtomic): never through a symlink (ELOOP).
  virtual Expected<std::string> ReadStateFile(const std::string& path, size_t max_bytes) const = 0;
  /// stat() (follow) or lstat().
  virtual Expected<FileInfo> Stat(const std::string& path, bool follow_symlinks = true) const = 0;
  /// access(path, mode): 0 when allowed, else the errno (EACCES, EPERM, ENOENT, ...).
  virtual int Access(const std::string& path, int mode) const = 0;
  /// Names in a directory, without "." and "..", sorted.
  virtual Expected<std::vector<std::string>> ListDir(const std::string& path) const = 0;
  /// realpath(): the absolute path with every symlink, "." and ".." resolved.
  virtual Expected<std::string> RealPath(const std::string& path) const = 0;
  /// statvfs() of the filesystem that holds `path`.
  virtual Expected<FsSpace> StatFs(const std::string& path) const = 0;
  /// Runs argv[0] (a path, or a name looked up in PATH) with fork+exec, stdin /dev/null,
  /// capturing at most `max_output` bytes; killed after `timeout`.
  virtual Expected<CommandResult> Run(const std::vector<std::string>& argv,
                                      std::chrono::milliseconds timeout,
                                      size_t max_output = 64 * 1024) const = 0;
  /// Wall clock.
  virtual std::chrono::system_clock::time_point Now() const = 0;
  /// Sleeps (retry back-off); the fake advances its clock instead.
  virtual void Sleep(std::chrono::milliseconds duration) = 0;
  /// Effective uid of this process.
  virtual unsigned Euid() const = 0;
  /// This process's pid.
  virtual int Pid() const = 0;
  /// The kernel's host name (uname nodename).
  virtual std::string Hostname() const = 0;

  /// Writes `content` atomically (temp file, fsync, rename, fsync dir); never through a
  /// symlink (a symlink at `path` is an error, not a target). Mode 0644. For the tool's own
  /// state files only: the previous version stays beside as the next write's temp file
  /// (container::Spare::kKeep); read them with ReadStateFile.
  virtual Status WriteFileAtomic(const std::string& path, const std::string& content) = 0;
  /// mkdir -p with `mode` for the directories it creates; an existing symlink is an error.
  virtual Status MakeDirs(const std::string& path, unsigned mode) = 0;
  /// rename(2).
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  /// unlink(2), or rmdir(2) for an (empty) directory: for the tool's own set-aside files only.
  virtual Status Remove(const std::string& path) = 0;
  /// From now on WriteFileAtomic keeps each write (it returns Ok) until FlushWrites does
  /// them all in one batch that shares the directory fsyncs (WriteFilesAtomic): `run`, whose
  /// owner lease and run record land together just before the hand-off. Reads do not see a
  /// kept write: each of those files is written once per start. The default keeps writing inline.
  virtual void DeferWrites() {}
  /// Does every kept write now and logs each that fails; later writes are inline again.
  virtual void FlushWrites() {}
  /// Whether a live supervisor holds the owner lock of `var_lib` (container/state/owner_lock.h).
  virtual LockState OwnerLock(const std::string& var_lib) const {
    (void)var_lib;
    return LockState::kUnknown;
  }

  /// Domain services.
  virtual SeccompProber& Seccomp() = 0;
  virtual NetworkProber& Network() = 0;
  virtual AgentClient& Agent() = 0;
};

}  // namespace preflight::container
