#pragma once
/// The run records of `netdata-preflight run`: `<var-lib>/preflight/runs.json`, the last 20
/// runs (start, end, exit, claimed, seconds to the link coming online). `container.lifetime`
/// reads them to spot containers that keep dying before the agent reached Netdata Cloud.
///
/// Parsing is pure and total; the store reads and writes through System, atomically (a kill
/// -9 at any instant leaves the old or the new file), and never trusts a corrupt file.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "container/base/expected.h"
#include "container/state/known_agent.h"

namespace preflight::container {

class System;

/// How many records the file keeps (the newest).
inline constexpr size_t kMaxRunRecords = 20;
/// Larger files are not parsed (they cannot be ours).
inline constexpr size_t kMaxRunRecordsBytes = 256 * 1024;

struct RunRecord {
  int64_t start_ms = 0;           ///< unix milliseconds
  int pid = 0;                    ///< of `run` (the supervisor keeps it; exec hands it on)
  std::string mode = "exec";      ///< exec | supervise | refused (78, nothing started)
  std::optional<int64_t> end_ms;  ///< unset: the end was never seen (exec mode, kill -9)
  std::optional<int> exit_code;   ///< the program's code, 128+N for signal N
  std::optional<int> signal;      ///< N when the program was killed by signal N
  bool claimed_at_start = false;
  std::optional<bool> claimed_at_end;
  /// Seconds from start until the agent's link was first seen online; unset = never (so far).
  std::optional<double> link_online_s;
  std::string container_id;  ///< empty when unknown
  std::string boot_id;       ///< the kernel's boot id, to tell host reboots apart
  /// What agent.version learnt of the agent binary at this start; unset when it ran none. An
  /// entry that does not read back whole is dropped, never a reason to distrust the file.
  std::optional<KnownAgent> agent;

  /// The same run: the pid and the start identify it.
  bool SameRun(const RunRecord& other) const {
    return start_ms == other.start_ms && pid == other.pid;
  }
};

/// Pure and total. `{"schema":1,"runs":[...]}`, oldest first. An empty or whitespace-only
/// text is an empty list. Any other deviation (not JSON, wrong schema, a field of the wrong
/// type, too large) is an error naming what is wrong.
Expected<std::vector<RunRecord>> ParseRunRecords(std::string_view text);

/// Pure. Keeps the newest kMaxRunRecords; the output always parses back.
std::string SerializeRunRecords(const std::vector<RunRecord>& records);

/// The newest record's facts about `binary` while `info` shows the same file, or nullptr.
const KnownAgent* FindKnownAgent(const std::vector<RunRecord>& records, const std::string& binary,
                                 const FileInfo& info);

/// `<var_lib>/preflight/runs.json`.
std::string RunRecordsPath(const std::string& var_lib);

/// What a read of the store found.
struct LoadedRuns {
  std::vector<RunRecord> records;
  /// Set when the file was corrupt: what was wrong and, when asked to, where it was moved.
  std::string problem;
};

/// How many set-aside runs.json.corrupt-* files are kept (the newest); older ones are removed.
inline constexpr size_t kKeepSetAside = 3;

/// Reads the records. A missing file is an empty list. A corrupt or unreadable one (not
/// JSON, a symlink, a directory, no permission) yields a `problem`, and the records of the
/// previous version `.runs.json.spare` when that one parses; with `set_aside` it is renamed to
/// `runs.json.corrupt-<unix seconds>` so that the next write starts clean and the evidence is
/// kept (the newest kKeepSetAside of them).
LoadedRuns LoadRunRecords(System& sys, const std::string& var_lib, bool set_aside);

/// Inserts `record` (or replaces the record of the same run, keeping an end it already had)
/// and writes the file atomically,
/// creating `<var_lib>/preflight/` (never `var_lib` itself: without it there is nothing to
/// persist). A corrupt file is set aside first; `problem` (may be null) hears about it.
/// `previous` (may be null) receives the newest other record that was there before.
Status StoreRunRecord(System& sys, const std::string& var_lib, const RunRecord& record,
                      std::string* problem = nullptr, std::optional<RunRecord>* previous = nullptr);

/// This kernel's boot id (/proc/sys/kernel/random/boot_id, trimmed), read through `sys`; "" when
/// unreadable. A record's container id is ContainerEnv::container_id, the lease's own.
std::string ReadBootId(const System& sys);

}  // namespace preflight::container
