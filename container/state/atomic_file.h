#pragma once
/// Crash-safe small-file writes for the files the tool owns (runs.json, owner.json).

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "container/base/expected.h"

namespace preflight::container {

/// Whether a write keeps the file's previous version as its next write's temp file.
/// kKeep is for the tool's own state files (runs.json, owner.json), written at every start:
/// the temp file `.<name>.spare` is swapped with `path` (renameat2 RENAME_EXCHANGE) and refilled
/// in place next time, so that a start neither allocates nor frees disk blocks (on a disk
/// mounted `discard`, each freed file costs a synchronous discard: 0.3-0.5 ms). Readers must
/// then use ReadFileAtomic. kNone is for any other path (e.g. a report the user asked for):
/// nothing but `path` is left behind.
enum class Spare { kNone, kKeep };

/// Writes `content` to `path` so that a reader (or a kill -9 at any instant) sees either the
/// old file or the new one, never a torn one: temp file in the same directory (O_EXCL),
/// write, fsync, rename over `path`, fsync the directory. Refuses a symlink at `path` or a
/// symlinked parent directory component at the last level (ELOOP).
Status WriteFileAtomic(const std::string& path, const std::string& content, unsigned mode = 0644,
                       Spare spare = Spare::kNone);

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
///
/// With Spare::kKeep the temp file is the spare, refilled only while this writer holds an
/// exclusive flock on it and no reader holds a shared one (so no reader of the old version
/// ever sees it change), and only when it is a regular file of this user with one link, still
/// at the spare's name. Otherwise (another writer, a reader, a file planted there) the write
/// falls back to a fresh temp file of its own; where the filesystem or a seccomp profile has
/// no RENAME_EXCHANGE, the spare is renamed over `path` as a fresh temp file would be.
std::vector<Error> WriteFilesAtomic(const FileWrites& writes, unsigned mode = 0644,
                                    Spare spare = Spare::kNone);

/// Reads at most `max_bytes` of a file that WriteFilesAtomic writes with Spare::kKeep, as one
/// whole version: never through a symlink (ELOOP), under a shared flock that keeps writers
/// from refilling it. A file a writer holds locked is either being put in place or was swapped
/// out after this opened it: the name is opened again, every 1 ms for 20 ms, then EAGAIN (a
/// writer frozen mid-write, e.g. by `docker pause`).
Expected<std::string> ReadFileAtomic(const std::string& path, size_t max_bytes);

/// mkdir -p; directories it creates get `mode`. A symlink where a directory is wanted is
/// an error (ELOOP) so that state never lands outside the volume.
Status MakeDirs(const std::string& path, unsigned mode);

}  // namespace preflight::container
