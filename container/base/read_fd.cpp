#include "container/base/read_fd.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace preflight::container {

Expected<std::string> ReadFd(int fd, size_t max_bytes, const std::string& path) {
  std::string data;
  char buf[16384];
  while (data.size() < max_bytes) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, max_bytes - data.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("read", path);
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

}  // namespace preflight::container
