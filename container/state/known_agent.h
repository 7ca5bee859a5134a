#pragma once
/// What agent.version learnt about a netdata binary, with the identity of the file it learnt
/// it from. Kept in the run record, so that the next start of the same image does not run
/// the agent (`netdata -V`, and `-W buildinfo` for v1) again: each run of it costs more than
/// all the other offline checks together.

#include <cstdint>
#include <optional>
#include <string>

#include "container/file_info.h"

namespace preflight::container {

struct KnownAgent {
  std::string path;  ///< as agent.version ran it
  // The file's identity: any rewrite, replacement or `touch` changes the ctime, which no one
  // can set. Not the device: an overlay root gets a new one in every container of an image.
  uint64_t ino = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  std::string version;         ///< the version word, e.g. "v1.37.1" (sanitised)
  std::optional<bool> cloud;   ///< built with Netdata Cloud support; unset = unknown
  std::string cloud_evidence;  ///< what said so, e.g. "`-W buildinfo`: ACLK NO"

  /// True when `info` (stat, symlinks followed) is the very file these facts came from.
  bool Describes(const std::string& binary, const FileInfo& info) const {
    return path == binary && ino == info.ino && size == info.size && mtime_ns == info.mtime_ns &&
           ctime_ns == info.ctime_ns;
  }

  /// The facts of `binary` as seen by `info`, before its version is known.
  static KnownAgent Of(const std::string& binary, const FileInfo& info) {
    KnownAgent a;
    a.path = binary;
    a.ino = info.ino;
    a.size = info.size;
    a.mtime_ns = info.mtime_ns;
    a.ctime_ns = info.ctime_ns;
    return a;
  }
};

}  // namespace preflight::container
