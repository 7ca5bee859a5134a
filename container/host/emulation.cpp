#include "container/host/emulation.h"

#include <limits.h>
#include <unistd.h>

#include <cstdint>

namespace preflight::container {
namespace {

std::string ReadLink(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::string EmulatorFromExes(std::string_view self_exe, std::string_view seen_exe) {
  if (self_exe.empty() || seen_exe.empty() || self_exe == seen_exe) return {};
  return std::string(seen_exe);
}

std::string SelfExe() { return ReadLink("/proc/self/exe"); }

void WriteParentExe(int out_fd) {
  // "/proc/<ppid>/exe" by hand: no allocation in a child that shares our memory.
  char path[32] = "/proc/";
  char digits[16];
  int n = 0;
  for (unsigned long pid = static_cast<unsigned long>(getppid()); n == 0 || pid != 0; pid /= 10) {
    digits[n++] = static_cast<char>('0' + pid % 10);
  }
  size_t at = 6;
  while (n > 0) path[at++] = digits[--n];
  for (const char* tail = "/exe"; *tail != '\0'; ++tail) path[at++] = *tail;
  path[at] = '\0';
  char exe[PATH_MAX];
  const ssize_t got = readlink(path, exe, sizeof exe);
  const int32_t len = got > 0 ? static_cast<int32_t>(got) : 0;
  if (write(out_fd, &len, sizeof len) != static_cast<ssize_t>(sizeof len)) _exit(3);
  if (len > 0 && write(out_fd, exe, static_cast<size_t>(len)) != len) _exit(3);
}

}  // namespace preflight::container
