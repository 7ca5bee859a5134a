#include "checks/runner.h"

#include <chrono>
#include <csignal>
#include <exception>

#include "checks/verdict.h"
#include "container/base/utc_time.h"
#include "container/process/crash_guard.h"

namespace preflight::checks {
namespace {

using Clock = std::chrono::steady_clock;

bool Matches(const CheckDef& def, const std::string& pattern) {
  if (def.id == pattern) return true;
  // A category: "claim", "claim.*", "network".
  std::string_view category = def.id.substr(0, def.id.find('.'));
  std::string_view p = pattern;
  if (p.size() > 2 && p.substr(p.size() - 2) == ".*") p.remove_suffix(2);
  return category == p;
}

bool MatchesAny(const CheckDef& def, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    if (Matches(def, p)) return true;
  }
  return false;
}

std::string NowRfc3339(std::chrono::system_clock::time_point now) {
  return container::UtcRfc3339(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Result RunOne(const CheckDef& def, Context& ctx) {
  Result result;
  std::string escaped;
  int sig = container::RunCrashGuarded([&] {
    try {
      result = def.run(ctx);
    } catch (const std::exception& e) {
      escaped = e.what();
      result = Result::Error("internal error in " + std::string(def.id) + ": " + escaped);
    } catch (...) {
      result = Result::Error("internal error in " + std::string(def.id) + ": unknown exception");
    }
  });
  if (sig != 0) {
    result = Result::Error("the check crashed (signal " + std::to_string(sig) + ", " +
                           strsignal(sig) + "); please report this as a bug");
  }
  // A warn or fail must say what to change.
  if ((result.status == Status::kWarn || result.status == Status::kFail) &&
      result.remediation.empty()) {
    result.remediation = "See `netdata-preflight explain " + std::string(def.id) + "`.";
  }
  // A fail says whether it refuses a hand-off (schema 1 keeps its keys: it goes in details).
  if (result.status == Status::kFail) {
    if (!result.details.is_object()) result.details = Details::object();
    result.details["certain"] = result.certain;
    if (result.certain) result.details["certain_because"] = result.certain_because;
  } else {
    result.certain = false;  // only a fail can be certain
  }
  return result;
}

}  // namespace

preflight::Status ValidateSelection(const Selection& selection) {
  for (const auto* list : {&selection.only, &selection.skip}) {
    for (const auto& pattern : *list) {
      bool known = false;
      for (const CheckDef* def : Catalog()) known = known || Matches(*def, pattern);
      if (known) continue;
      std::string message = "unknown check id `" + pattern + "`";
      std::string suggestion = SuggestCheck(pattern);
      if (!suggestion.empty()) message += " (did you mean `" + suggestion + "`?)";
      message += "; `netdata-preflight list` shows every id";
      return preflight::Error{EINVAL, message};
    }
  }
  return preflight::Status::Ok();
}

bool IsSelected(const CheckDef& def, const Selection& selection) {
  if (!selection.only.empty() && !MatchesAny(def, selection.only)) return false;
  return !MatchesAny(def, selection.skip);
}

Report RunChecks(container::System& sys, const Inputs& inputs, const Selection& selection,
                 const std::vector<const CheckDef*>& catalog) {
  World world(sys, inputs);
  return RunChecks(world, inputs, selection, catalog);
}

Report RunChecks(World& world, const Inputs& inputs, const Selection& selection,
                 const std::vector<const CheckDef*>& catalog) {
  container::System& sys = world.sys;
  Report report;
  report.started_at = NowRfc3339(sys.Now());
  const auto start = Clock::now();
  // All online checks together share one deadline (contract: --deadline).
  const auto online_deadline = start + inputs.deadline;
  Context ctx(world, inputs);
  report.network = NetworkScope::kNotSelected;
  for (const CheckDef* def : catalog) {
    if (IsNetworkCheck(def->id) && IsSelected(*def, selection)) {
      // `run --offline` is still a hand-off: only --online makes it check the path first.
      report.network = selection.offline_only ? NetworkScope::kBeforeHandOff
                       : selection.offline    ? NetworkScope::kOffline
                                              : NetworkScope::kSelected;
    }
  }

  for (const CheckDef* def : catalog) {
    // 1. Selection.
    if (!IsSelected(*def, selection)) continue;
    if (def->kind == Kind::kOnline && selection.offline_only) continue;
    CheckRun run{def, {}};
    const auto check_start = Clock::now();
    if (def->kind == Kind::kOnline && selection.offline) {
      run.result = Result::Skip("--offline: network and cloud checks not run");
    } else {
      // 2. Dependencies: a failed prerequisite makes this check meaningless.
      std::string failed_need;
      for (std::string_view need : def->needs) {
        const Result* r = ctx.Earlier(need);
        if (r != nullptr && (r->status == Status::kFail || r->status == Status::kError)) {
          failed_need = std::string(need);
          break;
        }
        // A prerequisite skipped for a failed prerequisite of its own: name the root cause
        // (network.websocket after network.tls was skipped because network.dns failed).
        if (r != nullptr && r->status == Status::kSkip && r->details.is_object() &&
            r->details.contains("needs") && r->details["needs"].is_string()) {
          failed_need = r->details["needs"].get<std::string>();
          break;
        }
      }
      if (!failed_need.empty()) {
        run.result = Result::Skip(failed_need + " failed");
        run.result.details["needs"] = failed_need;
      } else if (def->kind == Kind::kOnline && Clock::now() >= online_deadline) {
        run.result = Result::Error("--deadline reached before this check could run");
      } else {
        // 3. Run under the crash guard.
        ctx.deadline = def->kind == Kind::kOnline ? online_deadline : Clock::time_point::max();
        run.result = RunOne(*def, ctx);
      }
    }
    run.result.duration_ms = MillisSince(check_start);
    ctx.Record(def->id, run.result);
    report.checks.push_back(std::move(run));
  }
  // 4. Verdict.
  report.agent = std::move(ctx.agent);
  report.container = ctx.ContainerIfRead();
  report.lease_to_take = std::move(ctx.lease_to_take);
  report.verdict = Decide(report);
  report.duration_ms = MillisSince(start);
  return report;
}

const Result* Report::Find(std::string_view id) const {
  for (const auto& run : checks) {
    if (run.def->id == id) return &run.result;
  }
  return nullptr;
}

}  // namespace preflight::checks
