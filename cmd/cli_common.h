#pragma once
/// Option groups shared by the subcommands; every option also reads PREFLIGHT_<NAME>
/// (flag > environment > default).

#include <CLI/CLI.hpp>

#include "checks/report.h"
#include "checks/world.h"
#include "cmd/options.h"
#include "container/base/expected.h"
#include "container/base/redact.h"
#include "container/system.h"

namespace preflight::cmd {

/// --only --skip --offline
void AddSelectionOptions(CLI::App* app, CommonOptions& opts);
/// --var-lib --config-dir --cache-dir --agent --api --cli-socket --cloud-url --resolve
/// --ca-file --deadline --termination-log --log-level
void AddInputOptions(CLI::App* app, CommonOptions& opts);
/// --format --output --fail-on
void AddOutputOptions(CLI::App* app, OutputOptions& opts);

/// Validates and converts what CLI11 cannot (durations, ids, enums). The error is one line
/// that names the option and the fix; the caller exits 64.
Status FinishCommon(CommonOptions& opts);
/// --api must be an http:// URL with a literal address (what the agent clients can reach).
Status ValidateApi(const std::string& api);
Status FinishOutput(const OutputOptions& opts);
/// --cloud-url: comma-separated https:// URLs, no spaces or control characters, a host name.
Status ValidateCloudUrl(const std::string& text);
/// --resolve: HOST:PORT:ADDR with a port 1-65535 and an IP address (like curl).
Status ValidateResolve(const std::string& pin);

/// Each check's status and time, and the verdict, at log level trace.
void TraceReport(const checks::Report& report);

/// Whether the report's worst status reaches `fail_on` (fail | warn | never). `error` (the
/// check could not look) counts as `fail`: `check` never reports success it did not verify.
bool ReachesFailOn(const checks::Report& report, const std::string& fail_on);

/// Writes the report as asked (stdout or --output), redacting `secrets`. Every write is
/// checked; nothing blocks forever (container/state/output_file.h). The error names the file and
/// the fix; OutputExitCode() gives its exit code.
Status WriteReport(const checks::Report& report, const OutputOptions& out,
                   const std::vector<std::string>& secrets);

/// Writes the short summary to the termination log when that path exists and is writable
/// (Kubernetes mounts /dev/termination-log); silently does nothing otherwise, and never
/// blocks (a FIFO nobody reads is skipped).
/// 73 (cannot create: missing directory, a directory, no permission, a FIFO nobody reads) or
/// 74 (I/O error: disk full, EIO) for an error of WriteReport.
int OutputExitCode(const Error& error);

void WriteTerminationLog(const checks::Report& report, const std::string& path,
                         const std::vector<std::string>& secrets);

/// Writes `text` to stderr redacted of `secrets` (default: the process-wide ones) and flushes
/// it: every line the commands write to stderr themselves goes through here.
void Stderr(const std::string& text, const std::vector<std::string>& secrets = ProcessSecrets());

/// The secrets to redact from all output: the claim token from every source the world's claim
/// settings read, added to the process-wide ones (logs and errors are redacted too).
std::vector<std::string> CollectSecrets(checks::World& world);

}  // namespace preflight::cmd
