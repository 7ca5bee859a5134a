// The command line: the chosen subcommand is set up, parsed and run.
#include "cmd/dispatch.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <string_view>

#include "checks/inputs.h"
#include "cmd/cli_common.h"
#include "cmd/commands.h"
#include "cmd/exit_codes.h"
#include "cmd/stop_signals.h"
#include "cmd/supervise.h"
#include "cmd/version.h"
#include "container/base/log.h"
#include "container/base/redact.h"
#include "container/real_system.h"

namespace preflight::cmd {

std::string EscapeControl(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", b);
      out += hex;
    }
  }
  return out;
}

int UsageError(const std::string& message) {
  // One line whatever the input held: a CR or an escape sequence in a value must not rewrite
  // the terminal or forge a second line.
  std::string line = EscapeControl(Redact("netdata-preflight: " + message)) + "\n";
  std::fputs(line.c_str(), stderr);
  return kExitUsage;
}

namespace {

constexpr const char* kCommandList = "check, run, probe, serve, list, explain or version";

std::string After(const std::string& text, const std::string& marker) {
  auto at = text.find(marker);
  return at == std::string::npos ? "" : text.substr(at + marker.size());
}

/// CLI11's messages in the tool's voice: what was wrong with which input, and the fix.
std::string FriendlyParseError(const CLI::ParseError& e, const std::string& command) {
  const std::string what = e.what();
  const std::string where = command.empty() ? "" : "`" + command + "` ";
  if (what.find("A subcommand") != std::string::npos) {
    return std::string("a subcommand is required: ") + kCommandList;
  }
  if (auto rest = After(what, "Could not convert: "); !rest.empty()) {
    const auto eq = rest.find(" = ");
    const std::string name = rest.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : rest.substr(eq + 3);
    return name + " is a switch and takes no value (got `" + value + "`): write " + name + " alone";
  }
  if (what.find(": Should be true/false") != std::string::npos) {
    return what.substr(0, what.find(':')) + " takes no value: write it alone";
  }
  if (const auto at = what.find(" is required"); at != std::string::npos && at > 0) {
    const std::string name = what.substr(0, at);
    if (name.rfind("--", 0) == 0) return name + " is required";
    return where + "needs " + name +
           (command == "explain" ? ", e.g. `netdata-preflight explain claim.token`" : "");
  }
  if (what.find(" required ") != std::string::npos && what.find(" missing") != std::string::npos) {
    const std::string name = what.substr(0, what.find(':'));
    if (name.rfind("--", 0) == 0) return name + " needs a value, e.g. " + name + "=VALUE";
    return where + "needs " + name +
           (command == "explain" ? ", e.g. `netdata-preflight explain claim.token`" : "");
  }
  if (auto rest = After(what, "not expected: "); !rest.empty()) {
    // CLI11 lists them last first.
    std::vector<std::string> words;
    for (size_t pos = 0; pos <= rest.size();) {
      auto sp = std::min(rest.find(' ', pos), rest.size());
      if (sp > pos) words.insert(words.begin(), rest.substr(pos, sp - pos));
      pos = sp + 1;
    }
    std::string args;
    for (const auto& w : words) args += (args.empty() ? "" : " ") + w;
    if (!words.empty() && words.front().rfind("-", 0) == 0) {
      return where + "has no option " + words.front() +
             (words.size() > 1 ? " (in `" + args + "`)" : "");
    }
    return where + "takes no argument `" + args + "`" +
           (command.empty() ? std::string("; the commands are ") + kCommandList : "");
  }
  if (what.find("At Most") != std::string::npos) {
    return what.substr(0, what.find(':')) + " is given more than once; give it once";
  }
  if (auto rest = After(what, "arguments to "); !rest.empty()) {
    return rest.substr(0, rest.find(',')) + " needs a value";
  }
  std::string lower = what;
  if (!lower.empty())
    lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
  return lower;
}

constexpr const char* kRootFooter = R"(Examples:
  netdata-preflight check                         every check, a report on stdout
  netdata-preflight check --offline --format json no network; JSON for scripts
  netdata-preflight check --gate --wait-for-cloud 60s
                                                  a Kubernetes initContainer
  netdata-preflight run --supervise -- /usr/sbin/run.sh
                                                  a Docker ENTRYPOINT in front of the agent
  netdata-preflight probe --require online        a readiness probe or HEALTHCHECK
  netdata-preflight serve --listen 127.0.0.1:19998
                                                  a sidecar with /readyz and /metrics
  netdata-preflight explain claim.token           what a check establishes

Exit codes:
  0   check: nothing at or above --fail-on; probe: ready
  1   check: something at or above --fail-on (`error`: a check that could not look counts
      as `fail`); probe: not ready
  64  usage error: a bad option, value or check id (the message names it and the fix)
  70  internal error (a bug: please report it)
  73  cannot create the output (--output into a missing directory or a directory, a FIFO
      nobody reads; serve: the --listen port is in use)
  74  I/O error while writing the report (disk full, EIO)
  78  run / check --gate: refused to hand off (a finding certain to break the agent)
  run after the hand-off: the program's own code, 128+N when killed by signal N

Durations (DURATION) are like 500ms, 10s, 2m, 1h, 1d or 1m30s; a bare number is seconds.
Every option also reads PREFLIGHT_<NAME> (flag > environment > default).)";

/// What the command line chose: the command's Run with what it left unparsed, or the exit code
/// (help, version, a usage error).
struct Chosen {
  Command::Run run;
  std::vector<std::string> remaining;
  bool ends_on_stop = false;
  int exit_code = kExitInternal;
};

/// Sets up the chosen subcommand (or all of them, for `--help` and friends) and parses. The
/// CLI11 tree (dozens of options, a hundred small allocations each) is freed on return: the
/// checks reuse its memory instead of growing the heap, each new page of which is a fault.
Chosen Parse(int argc, char** argv, const std::string& version_line) {
  Chosen chosen;
  CLI::App root{"netdata-preflight " + std::string(kVersion) +
                " — why is my Netdata node not Live in Netdata Cloud?"};
  // The usage line names the program as typed, not its full path.
  std::string_view self = argc > 0 && argv[0] != nullptr ? argv[0] : "netdata-preflight";
  root.name(std::string(
      self.substr(self.rfind('/') == std::string_view::npos ? 0 : self.rfind('/') + 1)));
  root.footer(kRootFooter);
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
    chosen.exit_code = UsageError(std::string("unknown command `") + argv[1] +
                                  "`; the commands are check, run, probe, serve, list, explain, "
                                  "version");
    return chosen;
  }
  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    chosen.exit_code = root.exit(e);
    return chosen;
  } catch (const CLI::CallForAllHelp& e) {
    chosen.exit_code = root.exit(e);
    return chosen;
  } catch (const CLI::CallForVersion& e) {
    chosen.exit_code = root.exit(e);
    return chosen;
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 100-127; the contract says 64, and 126/127 belong to the child.
    std::string hint = "run `netdata-preflight --help`";
    std::string command;
    for (const auto& c : commands) {
      if (c.app->parsed()) {
        command = c.app->get_name();
        hint = "run `netdata-preflight " + command + " --help`";
      }
    }
    chosen.exit_code = UsageError(FriendlyParseError(e, command) + "; " + hint);
    return chosen;
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    if (!commands[i].app->parsed()) continue;
    chosen.run = std::move(commands[i].run);
    chosen.remaining = commands[i].app->remaining();
    chosen.ends_on_stop = ends_on_stop[i];
    return chosen;
  }
  return chosen;
}

}  // namespace

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
  // Read once: the command reuses them when its inputs name the same places. Those are the
  // places the environment names (PREFLIGHT_CONFIG_DIR...: flag > environment > default), so
  // that a token in a claim.conf there is redacted from a usage error too.
  Preread pre;
  pre.defaults = InputsFromEnvironment(sys.Env());
  {
    checks::World defaults(sys, pre.defaults);
    CollectSecrets(defaults);
    pre.claim = defaults.Claim();
  }
  // 2. The command line, parsed into the chosen command; the parser is gone before it runs.
  auto chosen = Parse(argc, argv, version_line);
  if (!chosen.run) return chosen.exit_code;
  // 3. The chosen command.
  if (!chosen.ends_on_stop) ReleaseStopSignals();
  return chosen.run(sys, pre, std::move(chosen.remaining));
}

}  // namespace preflight::cmd
