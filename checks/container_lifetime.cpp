// container.lifetime: did earlier runs live long enough for the agent to reach Netdata Cloud?
// The guide: a container that exits or is killed before it properly starts may complete the
// claim but never get the time to establish the ACLK link. The evidence is the run records
// `run` keeps in <var-lib>/preflight/runs.json.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "checks/catalog.h"
#include "checks/sections.h"
#include "container/state/run_records.h"

namespace preflight::checks {
namespace {

using container::RunRecord;

// A run that ended sooner than this without the link is "killed before it properly started";
// a longer one had its chance (its problem is the network, which network.* diagnoses).
constexpr int64_t kShortLifeMs = 5 * 60 * 1000;
constexpr int kFailStreak = 3;

enum class Outcome { kIgnored, kReached, kEarly, kLongWithoutLink };

struct Judged {
  const RunRecord* run = nullptr;
  bool unclaimed = false;  ///< never claimed during the run (a crash loop before the first claim)
  Outcome outcome = Outcome::kIgnored;
  std::optional<int64_t> lifetime_ms;  ///< unset when the end was never seen
};

std::string Seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10000 ? "%.1f s" : "%.0f s",
                static_cast<double>(ms) / 1000.0);
  return buf;
}

std::string Describe(const Judged& j) {
  std::string how;
  if (j.run->signal) {
    how = "killed by signal " + std::to_string(*j.run->signal);
  } else if (j.run->exit_code) {
    how = "exited " + std::to_string(*j.run->exit_code);
  } else {
    how = "end never recorded";
  }
  return j.lifetime_ms ? how + " after " + Seconds(*j.lifetime_ms) : how;
}

// The newest record without an end is ignored: it may be the run happening right now (a
// `check` next to the supervisor), and nothing bounds its life yet.
Judged Judge(const std::vector<RunRecord>& runs, size_t i, bool claim_wanted) {
  const RunRecord& run = runs[i];
  Judged j{&run, false, Outcome::kIgnored, std::nullopt};
  if (run.link_online_s) {
    j.outcome = Outcome::kReached;
    return j;
  }
  // Refused runs started nothing; exec-mode runs cannot see the link; an unclaimed node that
  // does not want claiming never links, however long it lives.
  if (run.mode != "supervise") return j;
  // A run that was never claimed counts when claiming is configured: a container that keeps
  // dying before its first claim (`--restart on-failure` with a token) never gets there.
  j.unclaimed = !run.claimed_at_start && !run.claimed_at_end.value_or(false);
  if (j.unclaimed && !claim_wanted) return j;
  if (run.end_ms) {
    j.lifetime_ms = std::max<int64_t>(0, *run.end_ms - run.start_ms);
  } else if (i + 1 < runs.size() && runs[i + 1].boot_id == run.boot_id) {
    // Killed with SIGKILL (the supervisor could not record the end): the next start bounds it.
    const int64_t bound = runs[i + 1].start_ms - run.start_ms;
    if (bound >= kShortLifeMs) return j;
  } else {
    return j;  // the newest run, or the host rebooted in between: nothing to tell
  }
  j.outcome =
      j.lifetime_ms && *j.lifetime_ms >= kShortLifeMs ? Outcome::kLongWithoutLink : Outcome::kEarly;
  return j;
}

Details RunDetails(const Judged& j) {
  Details d = Details::object();
  d["start_ms"] = j.run->start_ms;
  d["mode"] = j.run->mode;
  d["lifetime_s"] =
      j.lifetime_ms ? Details(static_cast<double>(*j.lifetime_ms) / 1000.0) : Details(nullptr);
  d["exit_code"] = j.run->exit_code ? Details(*j.run->exit_code) : Details(nullptr);
  d["link_online_s"] = j.run->link_online_s ? Details(*j.run->link_online_s) : Details(nullptr);
  d["end_seen"] = j.run->end_ms.has_value();
  return d;
}

std::string Causes(const std::vector<Judged>& streak) {
  bool oom = std::any_of(streak.begin(), streak.end(), [](const Judged& j) {
    return j.run->exit_code == 137 || j.run->signal == 9;
  });
  std::string causes =
      "Usual causes: an orchestrator stop or restart timeout shorter than the agent's start "
      "(docker stop -t, terminationGracePeriodSeconds, a failing liveness probe), an agent that "
      "crashes at start (see its log), or an OOM kill (exit 137)";
  if (oom) causes += " — exit 137 was seen: raise the container's memory limit";
  return causes + ".";
}

Result Run(Context& ctx) {
  const container::LoadedRuns& loaded = ctx.Runs();
  const std::string path = container::RunRecordsPath(ctx.in.var_lib);
  if (!loaded.problem.empty()) {
    Result r = Result::Warn("the run records cannot be trusted: " + loaded.problem,
                            "Leave it to `netdata-preflight run`, which sets a corrupt " + path +
                                " aside at its next start, or remove the file.");
    r.details["file"] = path;
    return r;
  }
  const auto& runs = loaded.records;
  if (runs.empty()) {
    return Result::Skip("no earlier run recorded in " + path +
                        " (records are written by `netdata-preflight run`)");
  }
  // Newest first: the streak of early deaths that ends with the latest judged run.
  std::vector<Judged> streak;
  const Judged* latest = nullptr;
  std::vector<Judged> judged;
  const bool claim_wanted = ctx.Claim().Wanted();
  for (size_t i = runs.size(); i-- > 0;) judged.push_back(Judge(runs, i, claim_wanted));
  for (const auto& j : judged) {
    if (j.outcome == Outcome::kIgnored) continue;
    if (latest == nullptr) latest = &j;
    if (j.outcome != Outcome::kEarly) break;
    streak.push_back(j);
  }
  Details details = Details::object();
  details["file"] = path;
  details["recorded_runs"] = runs.size();
  details["runs_never_ended_seen"] =
      std::count_if(runs.begin(), runs.end(), [](const RunRecord& r) { return !r.end_ms; });
  Details list = Details::array();
  for (const auto& j : streak) list.push_back(RunDetails(j));
  details["early_runs"] = std::move(list);
  if (latest == nullptr) {
    return Result::Skip(
               "no supervised run of a claimed agent (or of one configured to claim) recorded yet "
               "(only `run --supervise` sees when the link comes up)")
        .With(std::move(details));
  }
  if (streak.empty()) {
    const std::string how =
        latest->outcome == Outcome::kReached
            ? "the last run reached Netdata Cloud " +
                  Seconds(static_cast<int64_t>(std::llround(*latest->run->link_online_s * 1000))) +
                  " after its start"
            : "the last run lived " + Seconds(*latest->lifetime_ms) +
                  ": long enough for the link (a link that never came up is a network matter)";
    return Result::Pass(how).With(std::move(details));
  }
  std::string lifetimes;
  for (const auto& j : streak) lifetimes += (lifetimes.empty() ? "" : "; ") + Describe(j);
  const int n = static_cast<int>(streak.size());
  const std::string what =
      n == 1 ? "the last run ended" : "the last " + std::to_string(n) + " runs in a row ended";
  const std::string message =
      what + " before the agent's link to Netdata Cloud came up (" + lifetimes + ")";
  const std::string fix =
      "Let the agent run long enough to connect (about 2 minutes after claiming). " +
      Causes(streak);
  const bool before_claim =
      std::any_of(streak.begin(), streak.end(), [](const Judged& j) { return j.unclaimed; });
  // Dying before the first claim: reported, but only as a warning (it never refuses, and the
  // claim settings, not only the lifetime, may be at fault).
  Result r = before_claim       ? Result::Warn(message + "; " + (n == 1 ? "it" : "they") +
                                                   " ended before the agent claimed the node",
                                               fix)
             : n >= kFailStreak ? Result::Fail(message, fix)
                                : Result::Warn(message, fix);
  if (before_claim) r.node_state = "absent";
  r.details["before_claim"] = before_claim;
  for (auto& [k, v] : details.items()) r.details[k] = v;
  r.section = std::string(section::kKilledEarly);
  if (!before_claim) r.node_state = "unseen";
  return r;
}

}  // namespace

const CheckDef kContainerLifetime{
    "container.lifetime",
    "Earlier runs reached Cloud",
    section::kKilledEarly,
    Kind::kOffline,
    {},
    &Run,
    "Earlier runs recorded by `run --supervise` lived until the agent's link to Netdata Cloud came "
    "up; containers that keep exiting or being killed first (short stop timeouts, crashes, OOM "
    "kills) claim but never get Live. Runs that died before the first claim count when claiming "
    "is configured (a crash loop of a container with a token): reported as a warning. History is "
    "evidence for a diagnosis, never a reason to "
    "refuse a start: a streak of short runs fails `check`, and `run` starts the agent anyway.",
};

}  // namespace preflight::checks
