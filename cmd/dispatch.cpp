// The command line: the chosen subcommand is set up, parsed and run.
#include "cmd/dispatch.h"

#include <unistd.h>

#include <cstdio>

#include "checks/inputs.h"
#include "cmd/cli_common.h"
#include "cmd/commands.h"
#include "cmd/exit_codes.h"
#include "cmd/stop_signals.h"
#include "cmd/supervise.h"
#include "cmd/version.h"
#include "container/log.h"
#include "container/real_system.h"
#include "container/redact.h"

namespace preflight::cmd {

int UsageError(const std::string& message) {
  std::string line = Redact("netdata-preflight: " + message) + "\n";
  std::fputs(line.c_str(), stderr);
  return kExitUsage;
}

int Main(int argc, char** argv) {
  // 0. `run --supervise` re-execs itself into the lean supervisor: nothing else runs there.
  //    The stop signals held since the start (main.cpp) stay held: its signalfd takes them.
  if (argc > 1 && std::string_view(argv[1]) == kLeanSupervisor)
    return LeanSuperviseMain(argc, argv);
  // `--version` alone needs no subcommand set up (all seven cost milliseconds): answered here.
  const std::string version_line = std::string("netdata-preflight ") + kVersion;
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::puts(version_line.c_str());
    return kExitOk;
  }
  // 1. Logging first, so that option errors can be reported; the claim token is registered
  //    for redaction before anything can echo it (even a usage error).
  log::Init("");
  container::RealSystem sys(environ);
  SetProcessSecrets(CollectSecrets(sys, checks::Inputs{}));
  // 2. The command line: one Setup per subcommand.
  CLI::App root{"netdata-preflight " + std::string(kVersion) +
                " — why is my Netdata node not Live in Netdata Cloud?\n"
                "Every option also reads PREFLIGHT_<NAME> (flag > environment > default)."};
  root.require_subcommand(1);
  root.set_version_flag("--version", version_line);
  // Only the chosen subcommand is set up (each Setup builds dozens of options): `run` is an
  // entrypoint and pays for nothing it does not use. `--help` and friends get them all.
  // `ends_on_stop`: the command installs its stop handlers (EndOnStopSignals), which release
  // the stop signals held since the start; the others get them released before they run.
  struct Entry {
    const char* name;
    Command (*setup)(CLI::App&);
    bool ends_on_stop;
  };
  static constexpr Entry kCommands[] = {
      {"check", SetupCheck, true},      {"run", SetupRun, true},
      {"probe", SetupProbe, false},     {"serve", SetupServe, false},
      {"list", SetupList, false},       {"explain", SetupExplain, false},
      {"version", SetupVersion, false},
  };
  std::vector<Command> commands;
  std::vector<bool> ends_on_stop;
  const bool named = argc > 1 && argv[1][0] != '-';
  for (const auto& e : kCommands) {
    if (!named || std::string_view(argv[1]) == e.name) {
      commands.push_back(e.setup(root));
      ends_on_stop.push_back(e.ends_on_stop);
    }
  }
  if (named && commands.empty()) {
    return UsageError(std::string("unknown command `") + argv[1] +
                      "`; the commands are check, run, probe, serve, list, explain, version");
  }
  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return root.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 100-127; the contract says 64, and 126/127 belong to the child.
    std::string hint = "run `netdata-preflight --help`";
    for (const auto& c : commands) {
      if (c.app->parsed()) hint = "run `netdata-preflight " + c.app->get_name() + " --help`";
    }
    return UsageError(std::string(e.what()) + "; " + hint);
  }
  // 3. The chosen command.
  for (size_t i = 0; i < commands.size(); ++i) {
    if (!commands[i].app->parsed()) continue;
    if (!ends_on_stop[i]) ReleaseStopSignals();
    return commands[i].run(sys);
  }
  return kExitInternal;
}

}  // namespace preflight::cmd
