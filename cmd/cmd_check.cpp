// `netdata-preflight check`: run the selected checks once, print the report, exit 0/1
// (or 0/78 with --gate, the initContainer's policy).
#include <signal.h>
#include <unistd.h>

#include <memory>

#include <cstdio>

#include "checks/runner.h"
#include "checks/wait_for_cloud.h"
#include "cmd/cli_common.h"
#include "cmd/commands.h"
#include "cmd/exit_codes.h"
#include "cmd/duration.h"
#include "cmd/gate.h"
#include "cmd/report_text.h"
#include "container/redact.h"
#include "container/log.h"

namespace preflight::cmd {
namespace {

volatile sig_atomic_t g_report_done = 0;

// SIGTERM/SIGINT/SIGHUP end `check` at once with 128+N, even as PID 1 of an initContainer
// (where the default action is ignored): one line on stderr, never half a report on stdout.
extern "C" void EndOnSignal(int sig) {
  const char* what = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGHUP";
  const char* when = g_report_done ? ", after the report was written\n"
                                   : " before the report was complete: no report written\n";
  for (const char* part : {"netdata-preflight: check stopped by ", what, when}) {
    size_t n = 0;
    while (part[n] != '\0') ++n;
    ssize_t ignored = ::write(2, part, n);  // async-signal-safe, unlike stdio
    (void)ignored;
  }
  ::_exit(128 + sig);
}

void EndOnTermination(sigset_t* stop_signals) {
  sigemptyset(stop_signals);
  struct sigaction sa {};
  sa.sa_handler = &EndOnSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    sigaddset(stop_signals, sig);
    ::sigaction(sig, &sa, nullptr);
  }
}

struct CheckOptions {
  CommonOptions common;
  OutputOptions output;
  bool gate = false;
  std::string wait_for_cloud;
  bool require_cloud = false;
};

void WaitForNetwork(container::System& sys, const CheckOptions& opts, std::chrono::milliseconds wait,
                    const std::vector<std::string>& secrets) {
  checks::WaitPolicy policy;
  policy.budget = wait;
  auto outcome = checks::WaitForCloud(sys, opts.common.inputs, opts.common.selection, policy,
                                      [&](const checks::Report& round, int n) {
                                        if (round.verdict.status == checks::Status::kPass) return;
                                        std::string text = Redact("netdata-preflight: waiting for Netdata Cloud (round " +
                                                                  std::to_string(n) + "):\n" + RenderSummary(round, 2048), secrets);
                                        std::fwrite(text.data(), 1, text.size(), stderr);
                                      });
  log::Info("network " + std::string(outcome.ready ? "ready" : "still not ready") + " after " +
            std::to_string(outcome.rounds) + " round(s)");
}

int RunCheck(CheckOptions& opts, container::System& sys) {
  if (auto s = FinishCommon(opts.common); !s.ok()) return UsageError(s.error().message);
  if (auto s = FinishOutput(opts.output); !s.ok()) return UsageError(s.error().message);
  if (!opts.gate && (!opts.wait_for_cloud.empty() || opts.require_cloud)) {
    return UsageError("--wait-for-cloud and --require-cloud go with --gate (check --gate ...)");
  }
  // The gate of an initContainer precedes the agent of its pod: it takes the identity lease;
  // a check by hand only reads it (checks/inputs.h take_lease).
  opts.common.inputs.take_lease = opts.gate;
  std::chrono::milliseconds wait{0};
  if (!opts.wait_for_cloud.empty()) {
    auto d = ParseDuration(opts.wait_for_cloud);
    if (!d.ok()) return UsageError("--wait-for-cloud: " + d.error().message);
    if (d->count() == 0) return UsageError("--wait-for-cloud: must be more than 0, e.g. 60s");
    if (opts.common.selection.offline) return UsageError("--wait-for-cloud waits for the network checks that --offline skips; drop one");
    wait = *d;
  }
  sigset_t stop_signals;
  EndOnTermination(&stop_signals);
  const auto secrets = CollectSecrets(sys, opts.common.inputs);
  // An initContainer that waits for the cloud first: a v2 agent claims once, at start. The
  // report below runs the network checks once more, so it shows the state after the wait.
  if (wait.count() > 0) WaitForNetwork(sys, opts, wait, secrets);
  checks::Report report = checks::RunChecks(sys, opts.common.inputs, opts.common.selection);
  report.command = "check";
  // A signal during the writes waits for them: the report and the summary are whole.
  sigset_t before;
  ::sigprocmask(SIG_BLOCK, &stop_signals, &before);
  Status written = WriteReport(report, opts.output, secrets);
  if (written.ok()) WriteTerminationLog(report, opts.common.termination_log, secrets);
  g_report_done = written.ok() ? 1 : 0;
  ::sigprocmask(SIG_SETMASK, &before, nullptr);
  if (!written.ok()) {
    log::Error(written.error().message);
    return kExitInternal;
  }
  if (opts.gate) {
    GateDecision gate = DecideGate(report, opts.output.fail_on, opts.require_cloud);
    // With --output the report went to a file: the refusal must still reach `kubectl logs`.
    if (gate.refuse && !opts.output.output.empty()) {
      std::string text = Redact("netdata-preflight: refusing hand-off (exit 78): " + gate.reason +
                                    "\n" + RenderSummary(report, 4096) + "\n",
                                secrets);
      std::fwrite(text.data(), 1, text.size(), stderr);
    }
    return gate.refuse ? kExitRefused : kExitOk;
  }
  return ReachesFailOn(report, opts.output.fail_on) ? kExitChecksFailed : kExitOk;
}

}  // namespace

Command SetupCheck(CLI::App& root) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* app = root.add_subcommand("check", "Run the checks once and report (exit 0 or 1)");
  AddSelectionOptions(app, opts->common);
  AddInputOptions(app, opts->common);
  AddOutputOptions(app, opts->output);
  app->add_flag("--gate", opts->gate, "Apply run's hand-off policy without handing off: exit 0 or 78")
      ->envname("PREFLIGHT_GATE")->group("Gate");
  app->add_option("--wait-for-cloud", opts->wait_for_cloud, "With --gate: retry the network checks up to DURATION")
      ->envname("PREFLIGHT_WAIT_FOR_CLOUD")->group("Gate");
  app->add_flag("--require-cloud", opts->require_cloud, "With --gate: a failed network check refuses too")
      ->envname("PREFLIGHT_REQUIRE_CLOUD")->group("Gate");
  return {app, [opts](container::System& sys) { return RunCheck(*opts, sys); }};
}

}  // namespace preflight::cmd
