// `netdata-preflight run`: the Docker ENTRYPOINT. Offline checks, then hand off to the agent
// (execve by default, or stay PID 1 with --supervise), or refuse with exit 78 and the
// diagnosis on stderr. stdout belongs to the program: nothing is printed there.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "checks/claim_settings.h"
#include "checks/runner.h"
#include "checks/verdict.h"
#include "checks/wait_for_cloud.h"
#include "cmd/cli_common.h"
#include "cmd/commands.h"
#include "cmd/exit_codes.h"
#include "cmd/gate.h"
#include "cmd/report_text.h"
#include "cmd/run_options.h"
#include "cmd/stop_signals.h"
#include "cmd/supervise.h"
#include "container/base/log.h"
#include "container/base/redact.h"
#include "container/host/container_env.h"
#include "container/process/exec.h"
#include "container/state/run_records.h"

namespace preflight::cmd {
namespace {

bool AnythingToSay(const checks::Report& report) {
  for (const auto& run : report.checks) {
    auto s = run.result.status;
    if (s == checks::Status::kWarn || s == checks::Status::kFail || s == checks::Status::kError)
      return true;
  }
  return false;
}

// The network checks before the hand-off: one round (--online, --require-cloud) or retried
// until ready or the budget is spent (--wait-for-cloud). Appended to `report`.
void RunNetworkChecks(checks::World& world, const RunOptions& opts, checks::Report& report,
                      const std::vector<std::string>& secrets) {
  checks::Report network;
  if (opts.wait_for_cloud.empty()) {
    // --online / --require-cloud: one round, bounded by --deadline.
    network = checks::RunChecks(world, opts.common.inputs, checks::Selection{},
                                checks::NetworkChecks(opts.common.selection));
  } else {
    checks::WaitPolicy policy;
    policy.budget = opts.wait_for_cloud_ms;
    auto outcome =
        checks::WaitForCloud(world, opts.common.inputs, opts.common.selection, policy,
                             [&](const checks::Report& round, int n) {
                               if (!AnythingToSay(round)) return;
                               Stderr("netdata-preflight: waiting for Netdata Cloud (round " +
                                          std::to_string(n) + "):\n" + RenderSummary(round, 2048),
                                      secrets);
                             });
    log::Info("network " + std::string(outcome.ready ? "ready" : "still not ready") + " after " +
              std::to_string(outcome.rounds) + " round(s), " +
              std::to_string(outcome.waited.count()) + " ms; handing off");
    network = std::move(outcome.report);
  }
  for (auto& run : network.checks) report.checks.push_back(std::move(run));
  report.network = network.network;
  report.verdict = checks::Decide(report);
}

container::RunRecord StartRecord(checks::World& world, const RunOptions& opts,
                                 const checks::Report& report) {
  container::System& sys = world.sys;
  container::RunRecord r;
  r.start_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(sys.Now().time_since_epoch()).count();
  r.pid = sys.Pid();
  r.mode = opts.supervise ? "supervise" : "exec";
  r.claimed_at_start = world.Claimed().found;
  r.container_id = world.Container().container_id;
  r.boot_id = container::ReadBootId(sys);
  r.agent = report.agent;  // the next start of the same binary need not run it again
  return r;
}

// Never in the way: a record that cannot be written is logged, and the hand-off goes on.
void Store(container::System& sys, const RunOptions& opts, const container::RunRecord& record,
           bool report_previous) {
  std::string problem;
  std::optional<container::RunRecord> previous;
  auto stored =
      container::StoreRunRecord(sys, opts.common.inputs.var_lib, record, &problem, &previous);
  if (!problem.empty()) log::Warn("run records: " + problem);
  if (!stored.ok()) {
    // No var-lib at all (not the agent's image, no volume): nothing to persist, nothing to say.
    if (stored.error().code == ENOENT) {
      log::Debug("run not recorded: " + stored.error().message);
    } else {
      log::Warn("cannot record this run: " + stored.error().message);
    }
    return;
  }
  if (report_previous && previous && !previous->end_ms) {
    const std::string text =
        "the previous run (pid " + std::to_string(previous->pid) + ", " + previous->mode +
        " mode) has no recorded end: " +
        (previous->mode == "supervise"
             ? "it was killed with SIGKILL (stop timeout shorter than --grace, or an OOM kill)"
             : "exec mode cannot see it; use --supervise to record whole runs");
    if (previous->mode == "supervise") {
      log::Warn(text);
    } else {
      log::Info(text);
    }
  }
}

int RunRun(RunOptions& opts, std::vector<std::string> remaining, container::System& sys,
           const Preread& pre) {
  if (auto s = FinishRun(opts, std::move(remaining)); !s.ok()) return UsageError(s.error().message);
  // As PID 1 a stop signal would be ignored until the hand-off (minutes with --wait-for-cloud).
  EndOnStopSignals("run", " before the hand-off: nothing was started\n");
  // What the checks, the redaction and the run record read of the world: read once.
  checks::World world(sys, opts.common.inputs, pre.ClaimFor(opts.common.inputs));
  const auto secrets = CollectSecrets(world);
  // The owner lease and the run record are kept until the hand-off and written together,
  // sharing their directory fsync: before the exec in exec mode; with --supervise once the
  // program has lived 100 ms, or with its end (supervise.cpp; the program never waits for them).
  sys.DeferWrites();
  // 1. The offline checks only: the network never blocks by default.
  checks::Selection offline = opts.common.selection;
  offline.offline_only = true;
  checks::Report report = checks::RunChecks(world, opts.common.inputs, offline);
  report.command = "run";
  const bool network = opts.online || !opts.wait_for_cloud.empty() || opts.require_cloud;
  if (network) RunNetworkChecks(world, opts, report, secrets);
  // 2. The hand-off policy.
  const GateDecision gate = DecideGate(report, opts.fail_on, opts.require_cloud);
  if (gate.refuse || network || AnythingToSay(report))
    Stderr(RenderText(report, ColourWanted(::isatty(2) == 1, std::getenv("NO_COLOR"))), secrets);
  container::RunRecord record = StartRecord(world, opts, report);
  if (gate.refuse) {
    Stderr("netdata-preflight: not starting `" + opts.command.front() + "`: " + gate.reason + "\n",
           secrets);
    WriteTerminationLog(report, opts.common.termination_log, secrets);
    record.mode = "refused";
    record.end_ms = record.start_ms;
    record.exit_code = kExitRefused;
    Store(sys, opts, record, false);
    sys.FlushWrites();
    return kExitRefused;
  }
  // 3. Hand off, holding the identity (a refused start never takes it). The supervisor
  // updates its record later: that one is written first.
  // Never in the way; said once, by the supervisor's heartbeat or the deferred batch.
  auto take_lease = [&] {
    if (auto s = TakeLease(sys, opts.common.inputs.var_lib, report); !s.ok()) {
      log::Debug("owner lease: " + s.error().message);
    }
  };
  if (opts.supervise) {
    Store(sys, opts, record, true);
    // The lease too is left to the supervisor: a program that ends at once never holds it.
    return HandOffSupervised(opts, StartWrites{sys, record, take_lease});
  }
  take_lease();
  Store(sys, opts, record, true);
  sys.FlushWrites();  // on disk before the program starts: it can read its own start record
  Error failed = container::process::ExecReplace(opts.command);
  const int code = container::process::ExecFailureExitCode(failed.code);
  Stderr("netdata-preflight: " + failed.message + "\n", secrets);
  record.end_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(sys.Now().time_since_epoch()).count();
  record.exit_code = code;
  Store(sys, opts, record, false);  // replaces the start record: now inline
  return code;
}

}  // namespace

Command SetupRun(CLI::App& root) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* app = root.add_subcommand("run",
                                      "Offline checks, then hand off to CMD (default "
                                      "/usr/sbin/run.sh), or exit 78 with the diagnosis");
  AddRunOptions(app, *opts);
  return {app,
          [opts](container::System& sys, const Preread& pre, std::vector<std::string> remaining) {
            return RunRun(*opts, std::move(remaining), sys, pre);
          }};
}

}  // namespace preflight::cmd
