#pragma once
/// An in-memory System for check tests: files, directories, env, command outputs and clock
/// are whatever the test puts in. Domain services are fakes of their own (fake_*.h).

#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "container/agent/agent_client.h"
#include "container/host/seccomp_probe.h"
#include "container/net/network_prober.h"
#include "container/system.h"
#include "fakes/fake_agent.h"
#include "fakes/fake_network.h"
#include "fakes/fake_seccomp.h"

namespace preflight::testing {

class FakeSystem : public container::System {
 public:
  struct File {
    std::string content;
    container::FileInfo info;
    int read_error = 0;       ///< errno ReadFile returns, if set
    int access_error = 0;     ///< errno Access returns for any mode, if set
    std::string link_target;  ///< for symlinks
  };

  container::EnvMap env;
  std::map<std::string, File> files;                      ///< path -> file, directory or symlink
  std::vector<std::string> removed;                       ///< paths given to Remove, in order
  std::map<std::string, container::FsSpace> filesystems;  ///< path prefix -> statvfs answer
  /// Commands by their argv joined with ' '.
  std::map<std::string, container::CommandResult> commands;
  std::vector<std::string> commands_run;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(1767225600);
  unsigned euid = 0;
  int pid = 4242;
  std::string hostname = "fakehost";
  std::map<std::string, std::string> written;  ///< WriteFileAtomic calls, path -> content

  FakeSeccomp seccomp;
  FakeNetwork network;
  FakeAgent agent;

  // Builders.
  FakeSystem& AddFile(const std::string& path, std::string content, mode_t mode = 0644,
                      uid_t uid = 0, gid_t gid = 0) {
    File f;
    f.content = std::move(content);
    f.info.type = container::FileType::kRegular;
    f.info.mode = mode;
    f.info.uid = uid;
    f.info.gid = gid;
    f.info.size = f.content.size();
    files[path] = f;
    return *this;
  }
  FakeSystem& AddDir(const std::string& path, mode_t mode = 0755, uid_t uid = 0, gid_t gid = 0) {
    File f;
    f.info.type = container::FileType::kDirectory;
    f.info.mode = mode;
    f.info.uid = uid;
    f.info.gid = gid;
    files[path] = f;
    return *this;
  }
  FakeSystem& AddSymlink(const std::string& path, const std::string& target) {
    File f;
    f.info.type = container::FileType::kSymlink;
    f.info.mode = 0777;
    f.link_target = target;
    files[path] = f;
    return *this;
  }
  FakeSystem& AddCommand(const std::string& joined_argv, int exit_code, std::string output) {
    container::CommandResult r;
    r.exit_code = exit_code;
    r.output = std::move(output);
    commands[joined_argv] = r;
    return *this;
  }

  /// Every path ReadFile was asked for, in order: what a run reads, and how often.
  mutable std::vector<std::string> reads;

  // System.
  const container::EnvMap& Env() const override { return env; }

  Expected<std::string> ReadFile(const std::string& path, size_t max_bytes,
                                 bool follow_symlinks) const override {
    reads.push_back(path);
    const File* f = Resolve(path, follow_symlinks);
    if (f == nullptr) return Errno("open", path, ENOENT);
    if (f->info.type == container::FileType::kSymlink) return Errno("open", path, ELOOP);
    if (f->read_error != 0) return Errno("open", path, f->read_error);
    if (f->info.type == container::FileType::kDirectory) return Errno("read", path, EISDIR);
    return f->content.substr(0, max_bytes);
  }

  Expected<std::string> ReadFileAt(const std::string& path, uint64_t offset,
                                   size_t max_bytes) const override {
    auto whole = ReadFile(path, std::string::npos, true);
    if (!whole.ok()) return whole;
    return offset >= whole->size() ? std::string() : whole->substr(offset, max_bytes);
  }

  Expected<std::string> ReadStateFile(const std::string& path, size_t max_bytes) const override {
    return ReadFile(path, max_bytes, /*follow_symlinks=*/false);
  }

  Expected<container::FileInfo> Stat(const std::string& path, bool follow_symlinks) const override {
    const File* f = Resolve(path, follow_symlinks);
    if (f == nullptr) return Errno(follow_symlinks ? "stat" : "lstat", path, ENOENT);
    return f->info;
  }

  int Access(const std::string& path, int mode) const override {
    const File* f = Resolve(path, true);
    if (f == nullptr) return ENOENT;
    if (f->access_error != 0) return f->access_error;
    if ((mode & X_OK) && (f->info.mode & 0111) == 0) return EACCES;
    return 0;
  }

  Expected<std::vector<std::string>> ListDir(const std::string& path) const override {
    const File* d = Resolve(path, true);
    if (d == nullptr) return Errno("opendir", path, ENOENT);
    if (d->info.type != container::FileType::kDirectory) return Errno("opendir", path, ENOTDIR);
    std::vector<std::string> names;
    const std::string prefix = path + "/";
    for (const auto& [p, f] : files) {
      if (p.compare(0, prefix.size(), prefix) == 0 &&
          p.find('/', prefix.size()) == std::string::npos) {
        names.push_back(p.substr(prefix.size()));
      }
    }
    return names;
  }

  /// Resolves symlinks of `files` component by component; a missing component is ENOENT.
  Expected<std::string> RealPath(const std::string& path) const override {
    std::string resolved;
    std::string rest = path;
    for (int hops = 0;;) {
      size_t start = rest.find_first_not_of('/');
      if (start == std::string::npos) break;
      size_t end = rest.find('/', start);
      std::string part =
          rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
      rest = end == std::string::npos ? "" : rest.substr(end);
      if (part == ".") continue;
      if (part == "..") {
        resolved = resolved.substr(0, resolved.find_last_of('/'));
        continue;
      }
      std::string next = resolved + "/" + part;
      auto it = files.find(next);
      if (it == files.end()) return Errno("realpath", path, ENOENT);
      if (it->second.info.type == container::FileType::kSymlink) {
        if (++hops > 32) return Errno("realpath", path, ELOOP);
        const std::string& t = it->second.link_target;
        rest = t + rest;
        if (!t.empty() && t[0] == '/') resolved.clear();
        continue;
      }
      resolved = next;
    }
    return resolved.empty() ? std::string("/") : resolved;
  }

  /// What OwnerLock answers (a live supervisor elsewhere: kHeld; a dead one: kFree).
  container::LockState owner_lock = container::LockState::kUnknown;
  container::LockState OwnerLock(const std::string&) const override { return owner_lock; }

  Expected<container::FsSpace> StatFs(const std::string& path) const override {
    const container::FsSpace* best = nullptr;
    size_t best_len = 0;
    for (const auto& [prefix, space] : filesystems) {
      if (path.compare(0, prefix.size(), prefix) == 0 && prefix.size() >= best_len) {
        best = &space;
        best_len = prefix.size();
      }
    }
    if (best == nullptr) return Errno("statvfs", path, ENOENT);
    return *best;
  }

  Expected<container::CommandResult> Run(const std::vector<std::string>& argv,
                                         std::chrono::milliseconds, size_t) const override {
    std::string joined;
    for (const auto& a : argv) joined += (joined.empty() ? "" : " ") + a;
    const_cast<FakeSystem*>(this)->commands_run.push_back(joined);
    auto it = commands.find(joined);
    if (it == commands.end()) {
      container::CommandResult r;
      r.exit_code = 127;
      return r;
    }
    return it->second;
  }

  std::chrono::system_clock::time_point Now() const override { return now; }
  std::vector<std::chrono::milliseconds> sleeps;  ///< Sleep calls, in order
  void Sleep(std::chrono::milliseconds duration) override {
    sleeps.push_back(duration);
    now += duration;
  }
  unsigned Euid() const override { return euid; }
  int Pid() const override { return pid; }
  std::string Hostname() const override { return hostname; }

  Status WriteFileAtomic(const std::string& path, const std::string& content) override {
    auto it = files.find(path);
    if (it != files.end() && it->second.info.type == container::FileType::kSymlink) {
      return Errno("write", path, ELOOP);
    }
    written[path] = content;
    AddFile(path, content);
    return Status::Ok();
  }
  Status MakeDirs(const std::string& path, unsigned mode) override {
    auto it = files.find(path);
    if (it != files.end() && it->second.info.type == container::FileType::kSymlink) {
      return Errno("mkdir", path, ELOOP);
    }
    if (it == files.end()) AddDir(path, mode);
    return Status::Ok();
  }
  Status Rename(const std::string& from, const std::string& to) override {
    auto it = files.find(from);
    if (it == files.end()) return Errno("rename", from, ENOENT);
    files[to] = it->second;
    files.erase(it);
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    if (files.erase(path) == 0) return Errno("remove", path, ENOENT);
    removed.push_back(path);
    return Status::Ok();
  }

  container::SeccompProber& Seccomp() override { return seccomp; }
  container::NetworkProber& Network() override { return network; }
  container::AgentClient& Agent() override { return agent; }

 private:
  const File* Resolve(const std::string& path, bool follow) const {
    auto it = files.find(path);
    for (int hops = 0; it != files.end() && follow && hops < 8 &&
                       it->second.info.type == container::FileType::kSymlink;
         ++hops) {
      it = files.find(it->second.link_target);
    }
    return it == files.end() ? nullptr : &it->second;
  }
};

}  // namespace preflight::testing
