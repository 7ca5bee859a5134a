#pragma once
/// Crash-safe small-file writes for the files the tool owns (runs.json, owner.json).

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "container/expected.h"

namespace preflight::container {

/// Writes `content` to `path` so that a reader (or a kill -9 at any instant) sees either the
/// old file or the new one, never a torn one: temp file in the same directory (O_EXCL),
/// write, fsync, rename over `path`, fsync the directory. Refuses a symlink at `path` or a
/// symlinked parent directory component at the last level (ELOOP).
Status WriteFileAtomic(const std::string& path, const std::string& content, unsigned mode = 0644);

/// A temp file of this naming (`.<name>.tmp.<pid>`) untouched for this long was left by a
/// writer killed mid-write: the next write in its directory removes it. A live writer needs
/// milliseconds; one that was frozen longer (`docker pause`) only finds its rename failing.
inline constexpr std::chrono::minutes kStaleTempAge{10};

/// (path, content) pairs for WriteFilesAtomic; each path at most once.
using FileWrites = std::vector<std::pair<std::string, std::string>>;

/// WriteFileAtomic for several files at once, sharing the directory fsyncs: every temp file is
/// written (all their writebacks started together), then each is fsynced and renamed over its
/// path, then each directory is fsynced once (two files in one directory: three fsyncs instead
/// of four). Each file is still all-or-nothing on its own: a kill -9 at any instant leaves each
/// one old or new, and one that fails leaves the others. Temp files of the same names that
/// killed writers left behind (kStaleTempAge) are removed, so that kills never pile up files
/// in the volume. Returns one error for each file that
/// was not written; empty when all were. A path given twice is refused the second time (EINVAL).
std::vector<Error> WriteFilesAtomic(const FileWrites& writes, unsigned mode = 0644);

/// mkdir -p; directories it creates get `mode`. A symlink where a directory is wanted is
/// an error (ELOOP) so that state never lands outside the volume.
Status MakeDirs(const std::string& path, unsigned mode);

}  // namespace preflight::container
