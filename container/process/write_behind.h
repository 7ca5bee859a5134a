#pragma once
/// Atomic writes done by a writer process, so that their fsyncs (a millisecond or more each on
/// a real disk) are not on `run`'s hand-off path. The writer is an orphan (double fork): it is
/// never a child of the program `run` execs, and it outlives the exec to finish its writes. As
/// PID 1 (where every orphan comes back to PID 1) it is forked directly: then, as with any orphan
/// of a container, the program exec'd as PID 1 reaps it.
///
/// The parent sends each write over a socket the moment it is asked for; the writer performs
/// them in order with WriteFileAtomic (temp file, fsync, rename, fsync dir), logs a failure
/// itself, and exits when the parent's end closes: at Finish, at exit, or at exec
/// (close-on-exec).

#include <sys/types.h>

#include <memory>
#include <string>

#include "container/expected.h"
#include "container/unique_fd.h"

namespace preflight::container::process {

class WriteBehind {
 public:
  /// Forks the writer. nullptr when it cannot (no fork, no socket): the caller writes inline.
  static std::unique_ptr<WriteBehind> Start();
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  /// Hands one atomic write of `content` to `path` to the writer. Ok once the writer holds the
  /// bytes; an error (the writer is gone) means the caller must write it itself.
  Status Write(const std::string& path, const std::string& content);

  /// Reaps the launcher, so that nothing of ours is a child of the program this process execs
  /// next. Writes may go on: the channel closes at the exec (close-on-exec), and the writer
  /// finishes what it holds.
  void Detach();

  /// No more writes: closes this end, reaps the launcher and waits until the writer has done
  /// every write (for an exit, where nothing follows that could wait instead).
  void Finish();

 private:
  WriteBehind(UniqueFd channel, pid_t launcher)
      : channel_(std::move(channel)), launcher_(launcher) {}
  UniqueFd channel_;
  pid_t launcher_ = -1;
};

/// The writer's loop over `fd` (exposed for tests): reads frames until end of file, performs
/// each write, returns how many failed. A malformed frame ends the loop (counted as failed).
int ServeWrites(int fd);

}  // namespace preflight::container::process
