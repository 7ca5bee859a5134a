// `netdata-preflight check`: run the selected checks once, print the report, exit 0/1
// (or 0/78 with --gate, the initContainer's policy).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "checks/runner.h"
#include "checks/wait_for_cloud.h"
#include "cmd/cli_common.h"
#include "cmd/commands.h"
#include "cmd/duration.h"
#include "cmd/exit_codes.h"
#include "cmd/gate.h"
#include "cmd/report_text.h"
#include "cmd/stop_signals.h"
#include "container/base/log.h"
#include "container/base/redact.h"

namespace preflight::cmd {
namespace {

struct CheckOptions {
  CommonOptions common;
  OutputOptions output;
  bool gate = false;
  std::string wait_for_cloud;
  bool require_cloud = false;
};

void WaitForNetwork(checks::World& world, const CheckOptions& opts, std::chrono::milliseconds wait,
                    const std::vector<std::string>& secrets) {
  checks::WaitPolicy policy;
  policy.budget = wait;
  auto outcome =
      checks::WaitForCloud(world, opts.common.inputs, opts.common.selection, policy,
                           [&](const checks::Report& round, int n) {
                             if (round.verdict.status == checks::Status::kPass) return;
                             Stderr("netdata-preflight: waiting for Netdata Cloud (round " +
                                        std::to_string(n) + "):\n" + RenderSummary(round, 2048),
                                    secrets);
                           });
  log::Info("network " + std::string(outcome.ready ? "ready" : "still not ready") + " after " +
            std::to_string(outcome.rounds) + " round(s)");
}

int RunCheck(CheckOptions& opts, container::System& sys, const Preread& pre) {
  if (auto s = FinishCommon(opts.common); !s.ok()) return UsageError(s.error().message);
  if (auto s = FinishOutput(opts.output); !s.ok()) return UsageError(s.error().message);
  if (!opts.gate && (!opts.wait_for_cloud.empty() || opts.require_cloud)) {
    return UsageError("--wait-for-cloud and --require-cloud go with --gate (check --gate ...)");
  }
  // The gate of an initContainer precedes the agent of its pod: it takes the identity lease;
  // a check by hand only reads it (checks/inputs.h hands_off).
  opts.common.inputs.hands_off = opts.gate;
  std::chrono::milliseconds wait{0};
  if (!opts.wait_for_cloud.empty()) {
    auto d = ParseDuration(opts.wait_for_cloud);
    if (!d.ok()) return UsageError("--wait-for-cloud: " + d.error().message);
    if (d->count() == 0) return UsageError("--wait-for-cloud: must be more than 0, e.g. 60s");
    if (opts.common.selection.offline)
      return UsageError(
          "--wait-for-cloud waits for the network checks that --offline skips; drop one");
    wait = *d;
  }
  // Even as PID 1 of an initContainer, a stop signal ends it at once: never half a report.
  const sigset_t stop_signals =
      EndOnStopSignals("check", " before the report was complete: no report written\n");
  // What the checks and the redaction read of the world: read once for every round.
  checks::World world(sys, opts.common.inputs, pre.ClaimFor(opts.common.inputs));
  const auto secrets = CollectSecrets(world);
  // An initContainer that waits for the cloud first: a v2 agent claims once, at start. The
  // report below runs the network checks once more, so it shows the state after the wait.
  if (wait.count() > 0) WaitForNetwork(world, opts, wait, secrets);
  checks::Report report = checks::RunChecks(world, opts.common.inputs, opts.common.selection);
  report.command = "check";
  TraceReport(report);
  // A signal during the writes waits for them: the report and the summary are whole.
  sigset_t before;
  ::sigprocmask(SIG_BLOCK, &stop_signals, &before);
  Status written = WriteReport(report, opts.output, secrets);
  if (written.ok()) WriteTerminationLog(report, opts.common.termination_log, secrets);
  if (written.ok()) SetStopNote(", after the report was written\n");
  ::sigprocmask(SIG_SETMASK, &before, nullptr);
  if (!written.ok()) {
    // Not a bug: the environment refused the output. 73/74 say which, the line says the fix.
    std::string line =
        "netdata-preflight: " + EscapeControl(Redact(written.error().message, secrets)) + "\n";
    std::fputs(line.c_str(), stderr);
    return OutputExitCode(written.error());
  }
  if (opts.gate) {
    GateDecision gate = DecideGate(report, opts.output.fail_on, opts.require_cloud);
    // The initContainer's pod starts its agent next: it holds the identity (a refusal does not).
    if (!gate.refuse) {
      if (auto s = TakeLease(sys, opts.common.inputs.var_lib, report); !s.ok()) {
        log::Warn("owner lease: " + s.error().message);  // never fatal: the agent may start
      }
    }
    // With --output the report went to a file: the refusal must still reach `kubectl logs`.
    if (gate.refuse && !opts.output.output.empty()) {
      Stderr("netdata-preflight: refusing hand-off (exit 78): " + gate.reason + "\n" +
                 RenderSummary(report, 4096) + "\n",
             secrets);
    }
    return gate.refuse ? kExitRefused : kExitOk;
  }
  return ReachesFailOn(report, opts.output.fail_on) ? kExitChecksFailed : kExitOk;
}

}  // namespace

Command SetupCheck(CLI::App& root) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* app = root.add_subcommand("check", "Run the checks once and report (exit 0 or 1)");
  app->footer(
      "Examples:\n"
      "  netdata-preflight check\n"
      "  netdata-preflight check --only claim --format json --output /shared/report.json\n"
      "  netdata-preflight check --gate --wait-for-cloud 60s   (a Kubernetes initContainer)\n"
      "Exit codes: 0 nothing at or above --fail-on; 1 something is (a check that could not\n"
      "look, `error`, counts as `fail`); with --gate 0 or 78 (refused); 64 usage error;\n"
      "73 the output cannot be created; 74 writing it failed (disk full, EIO).");
  AddSelectionOptions(app, opts->common);
  AddInputOptions(app, opts->common);
  AddOutputOptions(app, opts->output);
  app->add_flag("--gate", opts->gate,
                "Apply run's hand-off policy without handing off: exit 0 or 78")
      ->envname("PREFLIGHT_GATE")
      ->group("Gate");
  app->add_option("--wait-for-cloud", opts->wait_for_cloud,
                  "With --gate: retry the network checks up to DURATION")
      ->type_name("DURATION")
      ->envname("PREFLIGHT_WAIT_FOR_CLOUD")
      ->group("Gate");
  app->add_flag("--require-cloud", opts->require_cloud,
                "With --gate: a failed network check refuses too")
      ->envname("PREFLIGHT_REQUIRE_CLOUD")
      ->group("Gate");
  return {app, [opts](container::System& sys, const Preread& pre, std::vector<std::string>) {
            return RunCheck(*opts, sys, pre);
          }};
}

}  // namespace preflight::cmd
