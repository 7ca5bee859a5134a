#pragma once
/// The options of `run`, shared by the command itself and by the lean supervisor it re-execs
/// into (`__supervise`), which parses the very same command line.

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "cmd/options.h"
#include "container/base/expected.h"

namespace preflight::cmd {

/// The program `run` starts when no CMD is given: the netdata image's entrypoint.
inline constexpr const char* kDefaultRunCommand = "/usr/sbin/run.sh";

struct RunOptions {
  CommonOptions common;
  std::string fail_on = "fail";
  bool online = false;
  std::string wait_for_cloud;  ///< DURATION; empty = do not wait
  bool require_cloud = false;
  bool supervise = false;
  std::string grace = "8s";
  std::string link_timeout = "120s";
  bool signal_group = false;
  std::string program;              ///< CMD as parsed (CLI11)
  int unknown_before_program = -1;  ///< arguments CLI11 did not know before CMD

  /// CMD ARGS, as given (a leading `--` removed); never empty after FinishRun.
  std::vector<std::string> command;

  // Filled by FinishRun.
  std::chrono::milliseconds wait_for_cloud_ms{0};
  std::chrono::milliseconds grace_ms{8000};
  std::chrono::milliseconds link_timeout_ms{120000};
};

/// Registers the selection and input options, --fail-on, --online, --wait-for-cloud,
/// --require-cloud, --supervise, --grace, --link-timeout, --signal-group (each also
/// PREFLIGHT_<NAME>), and takes everything from the first positional (or after `--`) as CMD.
void AddRunOptions(CLI::App* app, RunOptions& opts);

/// Validates what CLI11 cannot and fills the parsed fields; the error is one line naming the
/// option and the fix (exit 64). Takes CMD from `remaining` (CLI11 keeps the `--`).
Status FinishRun(RunOptions& opts, std::vector<std::string> remaining);

}  // namespace preflight::cmd
