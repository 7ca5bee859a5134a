#pragma once
/// Reading an open file to its end, bounded: the one read loop of RealSystem::ReadFile and
/// ReadFileAtomic.

#include <cstddef>
#include <string>

#include "container/base/expected.h"

namespace preflight::container {

/// Reads `fd` from its offset until EOF or `max_bytes`, retrying EINTR. A read error is
/// Errno("read", path) (e.g. EISDIR for a directory: no fstat needed before).
Expected<std::string> ReadFd(int fd, size_t max_bytes, const std::string& path);

}  // namespace preflight::container
