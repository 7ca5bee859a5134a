#include "cmd/run_options.h"

#include <algorithm>

#include "cmd/cli_common.h"
#include "cmd/duration.h"

namespace preflight::cmd {
namespace {

// ParseDuration, but never throwing (it converts with std::stod).
Expected<std::chrono::milliseconds> Duration(const std::string& option, const std::string& text,
                                             bool zero_ok) {
  Expected<std::chrono::milliseconds> d = Error{EINVAL, ""};
  try {
    d = ParseDuration(text);
  } catch (...) {
    d = Error{EINVAL, "invalid duration `" + text +
                          "`: use a number with a unit, like 500ms, 10s, 2m or 1h"};
  }
  if (!d.ok()) return Error{EINVAL, option + ": " + d.error().message};
  if (!zero_ok && d->count() == 0) return Error{EINVAL, option + ": must be more than 0, e.g. 10s"};
  return d;
}

}  // namespace

void AddRunOptions(CLI::App* app, RunOptions& opts) {
  AddSelectionOptions(app, opts.common);
  AddInputOptions(app, opts.common);
  const char* g = "Hand-off";
  app->add_option(
         "--fail-on", opts.fail_on,
         "fail, warn or never: the lowest offline status that refuses the hand-off (exit 78)")
      ->envname("PREFLIGHT_FAIL_ON")
      ->group(g)
      ->capture_default_str();
  app->add_flag("--online", opts.online,
                "Also run the network checks before the hand-off (reported, not blocking)")
      ->envname("PREFLIGHT_ONLINE")
      ->group(g);
  app->add_option(
         "--wait-for-cloud", opts.wait_for_cloud,
         "Retry the network checks up to DURATION before the hand-off, then hand off anyway")
      ->type_name("DURATION")
      ->envname("PREFLIGHT_WAIT_FOR_CLOUD")
      ->group(g);
  app->add_flag("--require-cloud", opts.require_cloud,
                "A failed network check refuses the hand-off too (exit 78)")
      ->envname("PREFLIGHT_REQUIRE_CLOUD")
      ->group(g);
  const char* s = "Supervise (PID 1)";
  app->add_flag("--supervise", opts.supervise,
                "Stay as PID 1: forward signals, reap zombies, record the run, watch the link")
      ->envname("PREFLIGHT_SUPERVISE")
      ->group(s);
  app->add_option("--grace", opts.grace,
                  "After SIGTERM/SIGINT (or the program's exit): wait this long, then SIGKILL")
      ->type_name("DURATION")
      ->envname("PREFLIGHT_GRACE")
      ->group(s)
      ->capture_default_str();
  app->add_option("--link-timeout", opts.link_timeout,
                  "Run the network checks when the agent's link is not up after DURATION")
      ->type_name("DURATION")
      ->envname("PREFLIGHT_LINK_TIMEOUT")
      ->group(s)
      ->capture_default_str();
  app->add_flag("--signal-group", opts.signal_group,
                "Forward signals to the program's whole process group")
      ->envname("PREFLIGHT_SIGNAL_GROUP")
      ->group(s);
  // CMD ARGS: the program is a positional (so that CLI11 keeps what follows `--` here instead
  // of handing it to the root), everything after it lands in remaining() (prefix_command).
  // The validator runs when the program is parsed and notes how many unknown arguments came
  // before it: those are mistyped options of `run`, not the program's.
  app->validate_positionals();
  app->add_option("CMD", opts.program,
                  "The program to hand off to (default " + std::string(kDefaultRunCommand) +
                      "), then its arguments")
      ->check(CLI::Validator(
          [&opts, app](std::string&) {
            if (opts.unknown_before_program < 0)
              opts.unknown_before_program = static_cast<int>(app->remaining_size());
            return std::string();
          },
          ""));
  app->prefix_command();
}

Status FinishRun(RunOptions& opts, std::vector<std::string> remaining) {
  if (auto s = FinishCommon(opts.common); !s.ok()) return s;
  // run hands off to the agent: it takes the identity lease (checks/inputs.h hands_off).
  opts.common.inputs.hands_off = true;
  if (opts.fail_on != "fail" && opts.fail_on != "warn" && opts.fail_on != "never") {
    return Error{EINVAL,
                 "--fail-on: `" + opts.fail_on + "` is not a level; use fail, warn or never"};
  }
  if (opts.online && !opts.wait_for_cloud.empty()) {
    return Error{EINVAL,
                 "--online and --wait-for-cloud: choose one (--wait-for-cloud already runs the "
                 "network checks)"};
  }
  if (!opts.wait_for_cloud.empty()) {
    auto d = Duration("--wait-for-cloud", opts.wait_for_cloud, /*zero_ok=*/false);
    if (!d.ok()) return d.error();
    opts.wait_for_cloud_ms = *d;
  }
  if ((opts.online || !opts.wait_for_cloud.empty() || opts.require_cloud) &&
      opts.common.selection.offline) {
    return Error{EINVAL,
                 "--offline skips the network checks that --online, --wait-for-cloud and "
                 "--require-cloud run; drop one"};
  }
  auto grace = Duration("--grace", opts.grace, /*zero_ok=*/true);
  if (!grace.ok()) return grace.error();
  opts.grace_ms = *grace;
  auto link = Duration("--link-timeout", opts.link_timeout, /*zero_ok=*/false);
  if (!link.ok()) return link.error();
  opts.link_timeout_ms = *link;
  // remaining(): [unknown options before CMD] [`--`] [CMD's arguments].
  const size_t unknown = opts.program.empty()
                             ? remaining.size()
                             : static_cast<size_t>(std::max(0, opts.unknown_before_program));
  for (size_t i = 0; i < unknown && i < remaining.size(); ++i) {
    if (remaining[i] == "--") continue;
    return Error{EINVAL, "unknown option `" + remaining[i] +
                             "`; see `netdata-preflight run --help` (the program goes after `--`)"};
  }
  remaining.erase(remaining.begin(),
                  remaining.begin() + static_cast<long>(std::min(unknown, remaining.size())));
  if (!remaining.empty() && remaining.front() == "--") remaining.erase(remaining.begin());
  opts.command.clear();
  opts.command.push_back(opts.program.empty() ? kDefaultRunCommand : opts.program);
  opts.command.insert(opts.command.end(), remaining.begin(), remaining.end());
  return Status::Ok();
}

}  // namespace preflight::cmd
