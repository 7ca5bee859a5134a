// agent.version: which netdata binary this is, whether it can ever talk to Netdata Cloud, and
// which claiming generation it belongs to (v1: netdata-claim.sh, v2: the daemon claims itself).
#include "container/agent/agent_version.h"

#include <unistd.h>

#include <algorithm>

#include "checks/agent_model.h"
#include "checks/agent_target.h"
#include "checks/catalog.h"
#include "checks/sections.h"
#include "container/agent/agent_client.h"
#include "container/state/run_records.h"

namespace preflight::checks {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kCommandTimeout{3000};
constexpr const char* kUsualLocations[] = {"/usr/sbin/netdata", "/opt/netdata/bin/netdata",
                                           "/usr/local/sbin/netdata", "/usr/local/bin/netdata"};
constexpr const char* kUseOfficialBuild =
    "Run the official netdata/netdata image (or install with kickstart.sh / the static build) "
    "instead of the distribution's netdata package.";

/// The stat of `path` when it is an executable regular file.
std::optional<container::FileInfo> ExecutableFile(const container::System& sys,
                                                  const std::string& path) {
  auto info = sys.Stat(path, true);
  if (!info.ok() || info->type != container::FileType::kRegular || sys.Access(path, X_OK) != 0)
    return std::nullopt;
  return *info;
}

struct Located {
  std::string path;
  std::string source;  ///< "--agent", "PATH", "usual location"
  /// Its stat when it was found (symlinks followed): the identity kept in the run record.
  container::FileInfo info;
};

/// `netdata` on PATH, then the install locations of the image, the static build and source
/// installs.
std::optional<Located> FindAgent(const container::System& sys) {
  // Each place is looked at once: PATH may repeat a directory, and often has the usual ones.
  std::vector<std::string> tried;
  std::optional<container::FileInfo> info;
  auto found = [&](const std::string& path) {
    if (std::find(tried.begin(), tried.end(), path) != tried.end()) return false;
    tried.push_back(path);
    return (info = ExecutableFile(sys, path)).has_value();
  };
  auto path_env = sys.Env().find("PATH");
  if (path_env != sys.Env().end()) {
    std::string_view dirs = path_env->second;
    while (true) {
      auto colon = dirs.find(':');
      std::string dir(dirs.substr(0, colon));
      if (!dir.empty() && dir[0] == '/' && found(dir + "/netdata")) {
        return Located{dir + "/netdata", "PATH", *info};
      }
      if (colon == std::string_view::npos) break;
      dirs.remove_prefix(colon + 1);
    }
  }
  for (const char* path : kUsualLocations) {
    if (found(path)) return Located{path, "usual location", *info};
  }
  return std::nullopt;
}

/// The time a command may take: the short budget, never past the check's deadline.
milliseconds Budget(const Context& ctx) {
  auto left =
      std::chrono::duration_cast<milliseconds>(ctx.deadline - std::chrono::steady_clock::now());
  return std::max(milliseconds(1), std::min(kCommandTimeout, left));
}

/// The first line of `output`, printable and short, to quote in a message.
std::string Quote(std::string_view output) {
  std::string line;
  for (char c : output.substr(0, output.find('\n'))) {
    if (line.size() >= 80) break;
    line += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return line;
}

/// Why running `argv` did not give an answer, or "" when it did.
std::string RunProblem(const Expected<container::CommandResult>& run, const std::string& what) {
  if (!run.ok()) return "cannot run `" + what + "`: " + run.error().message;
  if (run->timed_out) return "`" + what + "` did not answer within 3 s";
  if (run->signal != 0) return "`" + what + "` was killed by signal " + std::to_string(run->signal);
  if (run->exit_code == 126) return "`" + what + "` cannot be executed (exit 126)";
  if (run->exit_code == 127)
    return "`" + what + "` was not found or a library is missing (exit 127)";
  return "";
}

/// The verdict on a version and what is known of its Cloud support (nullopt = unknown). What
/// keeps this build out of Cloud fails only when Cloud is wanted (Context::KeptOutOfCloud).
Result Judge(Context& ctx, const std::string& who, const container::AgentVersion& version,
             std::optional<bool> cloud, const std::string& cloud_evidence, Details details) {
  details["cloud_support"] = cloud.has_value() ? Details(*cloud) : Details(nullptr);
  details["cloud_wanted"] = ctx.CloudWanted();
  const bool too_old = version.OlderThan(1, 32);
  auto judged = [&](const std::string& message, const std::string& remediation,
                    const std::string& certain_because) {
    return ctx.KeptOutOfCloud(message, remediation, certain_because).With(std::move(details));
  };
  if (cloud.has_value() && !*cloud) {
    Result r = judged(who + ", built without Netdata Cloud support (" + cloud_evidence +
                          "): this build can never connect to Netdata Cloud" +
                          (too_old ? ", and it is older than v1.32" : ""),
                      kUseOfficialBuild,
                      // The binary said so itself; only v1 can be built so (cloud-always-built).
                      "observed: " + cloud_evidence + "; " + Because(Behaviour::kCloudAlwaysBuilt));
    r.node_state = "absent";
    return r;
  }
  if (too_old) {
    return judged(who +
                      ", older than v1.32, the oldest agent that Netdata Cloud's "
                      "troubleshooting supports",
                  "Upgrade the agent: pull a current netdata/netdata image (or update "
                  "with kickstart.sh).",
                  "");  // old agents may still claim and connect: never certain
  }
  std::string how = version.IsV2() ? "v2: claims by itself from claim.conf or NETDATA_CLAIM_*"
                                   : "v1: the entrypoint claims with netdata-claim.sh";
  Result r = Result::Pass(who + " (" + how + ")" +
                          (cloud.has_value() ? ", built with Netdata Cloud support"
                                             : "; Cloud support unknown (" + cloud_evidence +
                                                   " said nothing about it)"));
  r.details = std::move(details);
  return r;
}

/// Without a binary, the running agent's /api/v1/info tells the version (and, v1.37-v1.47,
/// whether ACLK is compiled in). Empty when no agent answers.
std::optional<Result> FromApi(Context& ctx, Details details, std::string* why_not) {
  auto deadline = std::min(ctx.deadline, std::chrono::steady_clock::now() + kCommandTimeout);
  const container::AgentTarget target = AgentTargetFrom(ctx.in);
  auto info = ctx.sys.Agent().Info(target, deadline);
  if (!info.ok()) {
    *why_not = info.error().message;
    return std::nullopt;
  }
  auto version = container::ParseAgentVersion(info->version);
  if (!version.ok()) {
    *why_not = "its /api/v1/info names no version";  // e.g. not the netdata agent
    return std::nullopt;
  }
  details["source"] = "GET " + target.api + "/api/v1/info";
  details["version"] = version->text;
  details["generation"] = version->IsV2() ? "v2" : "v1";
  // v2 cannot be built without Cloud; v1.37-v1.47 report it as `cloud-available`.
  std::optional<bool> cloud = version->IsV2() ? std::optional<bool>(true) : info->cloud_available;
  return Judge(ctx, "the running agent is netdata " + version->text, *version, cloud,
               "/api/v1/info: cloud-available false", std::move(details));
}

/// The agent binary to ask: --agent, else the first one found. Without one, the result ends
/// the check here: --agent not a file (error), the running agent's API, or nothing (skip).
std::optional<Result> LocateAgent(Context& ctx, const Details& details, Located* agent) {
  if (!ctx.in.agent.empty()) {
    *agent = {ctx.in.agent, "--agent", {}};
    auto info = ctx.sys.Stat(agent->path, true);
    if (!info.ok() || info->type != container::FileType::kRegular) {
      Result r =
          Result::Error("--agent `" + agent->path + "`: " +
                        (info.ok() ? std::string("not a regular file") : info.error().message));
      r.remediation = "Pass the path of the netdata binary, e.g. --agent /usr/sbin/netdata.";
      return std::move(r).With(details);
    }
    agent->info = *info;
    return std::nullopt;
  }
  if (auto found = FindAgent(ctx.sys)) {
    *agent = *found;
    return std::nullopt;
  }
  std::string why_not =
      "not asked: the agent starts after these checks, so whatever answers "
      "there is another agent";
  if (!ctx.in.hands_off) {
    if (auto from_api = FromApi(ctx, details, &why_not)) return from_api;
  }
  return Result::Skip(
             "no netdata binary found on PATH or in /usr/sbin, /opt/netdata/bin, "
             "/usr/local/sbin, and no version from the agent's API (" +
             why_not +
             "); pass --agent PATH to check the "
             "agent's version and Cloud support")
      .With(details);
}

/// The version `agent -V` prints; a run that gives none is an error that ends the check.
std::optional<Result> AskVersion(Context& ctx, const std::string& path, const Details& details,
                                 container::AgentVersion* out) {
  const std::string shown = path + " -V";
  auto v_run = ctx.sys.Run({path, "-V"}, Budget(ctx), 4096);
  if (std::string problem = RunProblem(v_run, shown); !problem.empty()) {
    Result r = Result::Error(problem);
    r.remediation = "Check that `" + shown + "` works in this container.";
    return std::move(r).With(details);
  }
  auto version = container::ParseAgentVersion(v_run->output);
  if (!version.ok()) {
    Result r = Result::Error("`" + shown + "` printed no version (\"" + Quote(v_run->output) +
                             "\"): is it the netdata agent?");
    r.remediation = "Pass the netdata agent binary with --agent PATH.";
    return std::move(r).With(details);
  }
  *out = *version;
  return std::nullopt;
}

/// What is known of a binary's Cloud support, and whether the answer may be kept.
struct CloudSupport {
  std::optional<bool> cloud;  ///< nullopt: unknown
  std::string evidence = "`-W buildinfo`";
  bool answered = true;  ///< a buildinfo that failed this time (timed out, killed) may not again
};

/// v2 agents cannot be built without Cloud ("Cloud cannot be disabled"); v1 may be, and
/// `-W buildinfo` says so.
CloudSupport AskCloudSupport(Context& ctx, const std::string& path,
                             const container::AgentVersion& version) {
  CloudSupport support;
  if (version.IsV2()) {
    support.cloud = true;
    return support;
  }
  auto b_run = ctx.sys.Run({path, "-W", "buildinfo"}, Budget(ctx), 64 * 1024);
  support.answered = RunProblem(b_run, "").empty();
  if (support.answered) {
    auto info = container::ParseBuildInfo(b_run->output);
    support.cloud = info.cloud;
    if (info.cloud.has_value())
      support.evidence = "`-W buildinfo`: Netdata Cloud " + info.cloud_text;
    // "Netdata Cloud: YES" with "ACLK: NO" still cannot connect.
    if (support.cloud.value_or(true) && info.aclk.has_value() && !*info.aclk) {
      support.cloud = false;
      support.evidence = "`-W buildinfo`: ACLK " + info.aclk_text;
    }
  }
  return support;
}

Result RunAgentVersion(Context& ctx) {
  Details details;
  details["generation"] = "unknown";

  Located agent;
  if (std::optional<Result> ended = LocateAgent(ctx, details, &agent)) return std::move(*ended);
  details["binary"] = agent.path;
  details["source"] = agent.source;

  // The same file as at an earlier start (inode, size, mtime, ctime): the run record has its
  // answers, and running the agent again would only repeat them. The identity is the stat
  // taken before it ran: what is recorded never describes a later file.
  const container::KnownAgent* known =
      container::FindKnownAgent(ctx.Runs().records, agent.path, agent.info);
  if (auto version = container::ParseAgentVersion(known ? known->version : ""); version.ok()) {
    details["version"] = version->text;
    details["generation"] = version->IsV2() ? "v2" : "v1";
    details["answered_by"] = "the run record of an earlier start (the binary is unchanged)";
    ctx.agent = *known;
    return Judge(ctx, agent.path + " is netdata " + version->text, *version, known->cloud,
                 known->cloud_evidence, std::move(details));
  }
  details["answered_by"] = "the binary";

  container::AgentVersion version;
  if (std::optional<Result> ended = AskVersion(ctx, agent.path, details, &version)) {
    return std::move(*ended);
  }
  details["version"] = version.text;
  details["generation"] = version.IsV2() ? "v2" : "v1";

  const CloudSupport support = AskCloudSupport(ctx, agent.path, version);
  if (support.answered) {
    ctx.agent = container::KnownAgent::Of(agent.path, agent.info);
    ctx.agent->version = version.text;
    ctx.agent->cloud = support.cloud;
    ctx.agent->cloud_evidence = support.evidence;
  }
  return Judge(ctx, agent.path + " is netdata " + version.text, version, support.cloud,
               support.evidence, std::move(details));
}

}  // namespace

const CheckDef kAgentVersion{
    "agent.version",
    "Agent version and Cloud support",
    section::kClaimingUnsuccessful,
    Kind::kOffline,
    {},
    &RunAgentVersion,
    "Runs `netdata -V` and `netdata -W buildinfo` (--agent, else PATH and the usual install "
    "locations; without a binary, asks the running agent's /api/v1/info, except in `run` and "
    "`check --gate`, before which no agent of this container runs). `run` keeps the answers "
    "in its run record; while the binary is the same file (inode, size, mtime, ctime), later "
    "starts take them from there instead of running the agent again. An agent older than "
    "v1.32 or built without Netdata Cloud support (Debian's "
    "netdata package is built with --disable-cloud) can never be Live in Cloud, whatever the "
    "network does: a failure when Cloud is wanted (claiming configured, or the node claimed), "
    "a warning otherwise, so that an agent kept for local monitoring is not refused. Records the "
    "generation: v1 agents are claimed by netdata-claim.sh, v2 "
    "agents claim by themselves; the other claim checks depend on it.",
    /*implemented=*/true,
};

}  // namespace preflight::checks
