// `netdata-preflight probe`: is the agent up (claimed, online)? One request to the netdatacli
// socket (or the API), one line on stdout, exit 0 (ready) or 1 (not ready) — Docker
// HEALTHCHECK and Kubernetes probe semantics. Never waits beyond --timeout.
#include <cstdio>
#include <memory>

#include "checks/agent_target.h"
#include "cmd/cli_common.h"
#include "cmd/commands.h"
#include "cmd/duration.h"
#include "cmd/exit_codes.h"
#include "cmd/probe_state.h"
#include "container/agent/agent_client.h"
#include "container/base/log.h"
#include "container/system.h"

namespace preflight::cmd {
namespace {

struct ProbeOptions {
  std::string require = "running";
  std::string api = checks::kDefaultApi;
  std::string cli_socket;
  std::string timeout = "1s";
  std::string log_level;
};

int RunProbe(const ProbeOptions& opts, container::System& sys) {
  if (!log::Init(opts.log_level)) {
    return UsageError("--log-level: unknown level `" + opts.log_level +
                      "`; use trace, debug, info, warn, error or off");
  }
  auto need = ParseRequirement(opts.require);
  if (!need.ok()) return UsageError(need.error().message);
  auto timeout = ParseDuration(opts.timeout);
  if (!timeout.ok()) return UsageError("--timeout: " + timeout.error().message);
  if (timeout->count() == 0) return UsageError("--timeout: must be more than 0, e.g. 1s");
  if (Status api = ValidateApi(opts.api); !api.ok()) return UsageError(api.error().message);
  checks::Inputs in;
  in.api = opts.api;
  in.cli_socket = opts.cli_socket;
  const container::AgentTarget target = checks::AgentTargetFrom(in);
  ProbeAnswer answer = ProbeAgent(sys.Agent(), target, *need, container::DeadlineIn(*timeout));
  std::string line = (answer.ready ? "ready: " : "not ready: ") + answer.line + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
  return answer.ready ? kExitOk : kExitChecksFailed;
}

}  // namespace

Command SetupProbe(CLI::App& root) {
  auto opts = std::make_shared<ProbeOptions>();
  CLI::App* app = root.add_subcommand(
      "probe", "Is the agent running / claimed / online? One line, exit 0 (ready) or 1 (not)");
  app->add_option("--require", opts->require, "running, claimed or online")
      ->envname("PREFLIGHT_REQUIRE")
      ->capture_default_str();
  app->add_option("--api", opts->api,
                  "The agent's HTTP API (used when no netdatacli socket is found)")
      ->envname("PREFLIGHT_API")
      ->capture_default_str();
  app->add_option("--cli-socket", opts->cli_socket,
                  "The netdatacli socket (default: discover; none = the HTTP API only)")
      ->envname("PREFLIGHT_CLI_SOCKET");
  app->add_option("--timeout", opts->timeout,
                  "Give up after DURATION (Kubernetes' default probe timeout is 1s)")
      ->type_name("DURATION")
      ->envname("PREFLIGHT_TIMEOUT")
      ->capture_default_str();
  app->add_option("--log-level", opts->log_level,
                  "trace, debug, info, warn, error, off (default: SPDLOG_LEVEL, else warn)")
      ->envname("PREFLIGHT_LOG_LEVEL");
  app->footer(
      "Examples:\n"
      "  netdata-preflight probe                      (HEALTHCHECK: is the agent running?)\n"
      "  netdata-preflight probe --require online     (readiness: is the node Live?)\n"
      "Exit codes: 0 ready; 1 not ready; 64 usage error.");
  return {app, [opts](container::System& sys, const Preread&, std::vector<std::string>) {
            return RunProbe(*opts, sys);
          }};
}

}  // namespace preflight::cmd
