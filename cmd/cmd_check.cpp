// `netdata-preflight check`: run the selected checks once, print the report, exit 0/1
// (or 0/78 with --gate, the initContainer's policy).
#include <memory>

#include "checks/runner.h"
#include "cmd/cli_common.h"
#include "cmd/commands.h"
#include "cmd/exit_codes.h"
#include "cmd/gate.h"
#include "container/log.h"

namespace preflight::cmd {
namespace {

struct CheckOptions {
  CommonOptions common;
  OutputOptions output;
  bool gate = false;
  std::string wait_for_cloud;
  bool require_cloud = false;
};

int RunCheck(CheckOptions& opts, container::System& sys) {
  if (auto s = FinishCommon(opts.common); !s.ok()) return UsageError(s.error().message);
  if (auto s = FinishOutput(opts.output); !s.ok()) return UsageError(s.error().message);
  if (!opts.gate && (!opts.wait_for_cloud.empty() || opts.require_cloud)) {
    return UsageError("--wait-for-cloud and --require-cloud go with --gate (check --gate ...)");
  }
  const auto secrets = CollectSecrets(sys, opts.common.inputs);
  checks::Report report = checks::RunChecks(sys, opts.common.inputs, opts.common.selection);
  report.command = "check";
  if (auto s = WriteReport(report, opts.output, secrets); !s.ok()) {
    log::Error(s.error().message);
    return kExitInternal;
  }
  WriteTerminationLog(report, opts.common.termination_log, secrets);
  if (opts.gate) {
    GateDecision gate = DecideGate(report, opts.output.fail_on, opts.require_cloud);
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
