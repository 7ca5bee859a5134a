#include "container/real_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "container/agent/real_agent_client.h"
#include "container/base/log.h"
#include "container/base/read_fd.h"
#include "container/base/unique_fd.h"
#include "container/host/seccomp_probe.h"
#include "container/net/network_prober.h"
#include "container/net/real_network_prober.h"
#include "container/process/command.h"
#include "container/state/atomic_file.h"

namespace preflight::container {

EnvMap ParseEnviron(char** envp) {
  EnvMap env;
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

RealSystem::RealSystem(char** envp)
    : env_(ParseEnviron(envp)),
      seccomp_(std::make_unique<RealSeccompProber>()),
      agent_(std::make_unique<RealAgentClient>(env_)) {}

RealSystem::~RealSystem() { FlushWrites(); }  // nothing asked for is lost

NetworkProber& RealSystem::Network() {
  if (!network_) network_ = std::make_unique<RealNetworkProber>(*this);
  return *network_;
}

Expected<std::string> RealSystem::ReadFile(const std::string& path, size_t max_bytes,
                                           bool follow_symlinks) const {
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow_symlinks ? 0 : O_NOFOLLOW);
  UniqueFd fd(::open(path.c_str(), flags));
  if (!fd) return Errno("open", path);
  // No fstat for directories: read() itself fails with EISDIR (one syscall less per file).
  return ReadFd(fd.get(), max_bytes, path);
}

Expected<std::string> RealSystem::ReadFileAt(const std::string& path, uint64_t offset,
                                             size_t max_bytes) const {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return Errno("open", path);
  // Straight into the result: one allocation, no copy (large reads: each new page a fault).
  std::string data(max_bytes, '\0');
  size_t got = 0;
  while (got < max_bytes) {
    const ssize_t n =
        ::pread(fd.get(), data.data() + got, max_bytes - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("read", path);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  return data;
}

Expected<std::string> RealSystem::ReadStateFile(const std::string& path, size_t max_bytes) const {
  return ReadFileAtomic(path, max_bytes);
}

Expected<FileInfo> RealSystem::Stat(const std::string& path, bool follow_symlinks) const {
  struct stat st {};
  int r = follow_symlinks ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (r != 0) return Errno(follow_symlinks ? "stat" : "lstat", path);
  FileInfo info;
  if (S_ISREG(st.st_mode)) {
    info.type = FileType::kRegular;
  } else if (S_ISDIR(st.st_mode)) {
    info.type = FileType::kDirectory;
  } else if (S_ISLNK(st.st_mode)) {
    info.type = FileType::kSymlink;
  }
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.size = static_cast<uint64_t>(st.st_size);
  info.mtime = st.st_mtime;
  info.mtime_ns = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
  info.ctime_ns = st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
  info.dev = st.st_dev;
  info.ino = st.st_ino;
  return info;
}

int RealSystem::Access(const std::string& path, int mode) const {
  return ::access(path.c_str(), mode) == 0 ? 0 : errno;
}

Expected<std::vector<std::string>> RealSystem::ListDir(const std::string& path) const {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), &::closedir);
  if (!dir) return Errno("opendir", path);
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir.get())) {
    std::string_view name(e->d_name);
    if (name != "." && name != "..") names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Expected<std::string> RealSystem::RealPath(const std::string& path) const {
  std::unique_ptr<char, void (*)(void*)> resolved(::realpath(path.c_str(), nullptr), &::free);
  if (!resolved) return Errno("realpath", path);
  return std::string(resolved.get());
}

Expected<FsSpace> RealSystem::StatFs(const std::string& path) const {
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) != 0) return Errno("statvfs", path);
  FsSpace space;
  space.bytes_total = static_cast<uint64_t>(vfs.f_blocks) * vfs.f_frsize;
  space.bytes_free = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  space.inodes_total = vfs.f_files;
  space.inodes_free = vfs.f_favail;
  space.read_only = (vfs.f_flag & ST_RDONLY) != 0;
  return space;
}

Expected<CommandResult> RealSystem::Run(const std::vector<std::string>& argv,
                                        std::chrono::milliseconds timeout,
                                        size_t max_output) const {
  return RunCommand(argv, timeout, max_output);
}

std::chrono::system_clock::time_point RealSystem::Now() const {
  return std::chrono::system_clock::now();
}

unsigned RealSystem::Euid() const { return ::geteuid(); }

int RealSystem::Pid() const { return ::getpid(); }

void RealSystem::Sleep(std::chrono::milliseconds duration) {
  struct timespec left {
    static_cast<time_t>(duration.count() / 1000),
        static_cast<long>(duration.count() % 1000) * 1000000
  };
  // nanosleep, not a thread-based timer; resumed after a signal interrupts it.
  while (::nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

std::string RealSystem::Hostname() const {
  struct utsname u {};
  if (::uname(&u) != 0) return "";
  return u.nodename;
}

Status RealSystem::WriteFileAtomic(const std::string& path, const std::string& content) {
  if (!deferred_) return container::WriteFileAtomic(path, content, 0644, Spare::kKeep);
  // The later write of a path replaces the one kept for it: one batch writes each path once.
  for (auto& [kept_path, kept] : *deferred_) {
    if (kept_path == path) {
      kept = content;
      return Status::Ok();
    }
  }
  deferred_->emplace_back(path, content);
  return Status::Ok();
}

void RealSystem::DeferWrites() {
  if (!deferred_) deferred_.emplace();
}

void RealSystem::FlushWrites() {
  if (!deferred_) return;
  const FileWrites writes = std::move(*deferred_);
  deferred_.reset();
  for (const Error& e : WriteFilesAtomic(writes, 0644, Spare::kKeep))
    log::Warn("not written: " + e.message);
}

Status RealSystem::MakeDirs(const std::string& path, unsigned mode) {
  return container::MakeDirs(path, mode);
}

Status RealSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return Errno("rename", from);
  return Status::Ok();
}

Status RealSystem::Remove(const std::string& path) {
  if (::unlink(path.c_str()) == 0) return Status::Ok();
  if ((errno == EISDIR || errno == EPERM) && ::rmdir(path.c_str()) == 0) return Status::Ok();
  return Errno("remove", path);
}

}  // namespace preflight::container
