// claim.script: a v1 agent is claimed by netdata-claim.sh; the script must be found, be a file
// and be executable. The four failure outcomes are the guide's; a script that is executable by
// its mode bits but that access() refuses with EPERM is a seccomp problem, not permissions.
#include "container/agent/claim_script.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "checks/agent_generation.h"
#include "checks/catalog.h"
#include "checks/claim_settings.h"
#include "checks/sections.h"
#include "container/base/text.h"

namespace preflight::checks {
namespace {

constexpr const char* kScript = "netdata-claim.sh";
/// kickstart's: /usr/sbin (native packages), /opt/netdata/bin (static build),
/// ${INSTALL_PREFIX}/netdata/usr/sbin (the guide's "usually located under"), source installs.
constexpr const char* kSearchDirs[] = {"/usr/sbin", "/opt/netdata/bin", "/opt/netdata/usr/sbin",
                                       "/usr/local/sbin", "/usr/libexec/netdata"};
constexpr const char* kReinstall =
    "Reinstall the agent (or pull the netdata/netdata image again) so that netdata-claim.sh is "
    "back at /usr/sbin/netdata-claim.sh.";

/// kickstart's order: PATH, the install locations, then the directory of the agent binary.
std::vector<std::string> SearchPath(const Context& ctx) {
  std::vector<std::string> dirs;
  auto add = [&dirs](std::string dir) {
    if (dir.empty() || dir[0] != '/') return;
    for (const auto& d : dirs) {
      if (d == dir) return;
    }
    dirs.push_back(std::move(dir));
  };
  auto path_env = ctx.sys.Env().find("PATH");
  if (path_env != ctx.sys.Env().end()) {
    std::string_view rest = path_env->second;
    while (true) {
      auto colon = rest.find(':');
      add(std::string(rest.substr(0, colon)));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  for (const char* d : kSearchDirs) add(d);
  std::string binary = AgentBinary(ctx);
  if (auto slash = binary.rfind('/'); slash != std::string::npos && slash > 0) {
    add(binary.substr(0, slash));
  }
  std::vector<std::string> paths;
  for (const auto& d : dirs) paths.push_back(d + "/" + kScript);
  return paths;
}

/// A fail of the script: certain when the v1 entrypoint runs it (under `set -e`).
Result ScriptFail(bool runs, std::string message, std::string fix) {
  return Result::CertainFail(std::move(message), std::move(fix),
                             runs ? Because(Behaviour::kV1EntrypointStopsOnClaimFailure) : "");
}

/// The claim script's file as the entrypoint would run it: a regular file, executable by its
/// mode and by this user. A problem is a fail (certain when the v1 entrypoint `runs` it).
std::optional<Result> ScriptFileProblem(Context& ctx, const std::string& path, bool runs,
                                        Details& details) {
  auto st = ctx.sys.Stat(path, true);
  if (!st.ok()) {
    return ScriptFail(runs,
                      "the path of the claim script, " + path +
                          ", is a symlink whose "
                          "target does not exist (" +
                          st.error().message + ")",
                      kReinstall)
        .With(details);
  }
  if (st->type != container::FileType::kRegular) {
    return ScriptFail(
               runs,
               path + " exists but is not a file (it is a " +
                   (st->type == container::FileType::kDirectory ? "directory" : "special file") +
                   "; a bind mount of a missing host path creates a directory)",
               "Remove " + path +
                   " and reinstall the agent (or fix the volume that "
                   "mounts over it).")
        .With(details);
  }
  details["mode"] = container::Octal(st->mode);
  if ((st->mode & 0111) == 0) {
    return ScriptFail(runs,
                      "the claiming script at " + path + " is not executable (mode " +
                          container::Octal(st->mode) + ")",
                      "Run `chmod 0755 " + path + "`, or reinstall the agent.")
        .With(details);
  }
  int access_errno = ctx.sys.Access(path, X_OK);
  if (access_errno == EPERM) {
    Result r = ScriptFail(
        runs,
        path + " is executable by its mode (" + container::Octal(st->mode) +
            ") but access(X_OK) fails "
            "with EPERM: faccessat2 is blocked by the container's seccomp profile, so the "
            "claim script's own file tests fail too (this is not a permission problem)",
        "See container.seccomp: update Docker (>= 20.10) and libseccomp (>= 2.4), or run with a "
        "seccomp profile that allows the newer syscalls.");
    r.details = details;
    r.details["access_errno"] = "EPERM";
    r.details["see"] = "container.seccomp";
    return r;
  }
  if (access_errno != 0) {
    return ScriptFail(runs,
                      "the claiming script at " + path +
                          " is not executable by this user: "
                          "access(X_OK) says " +
                          std::string(strerror(access_errno)) + " (a noexec mount, or mode " +
                          container::Octal(st->mode) + " without this user's execute bit)",
                      "Run the entrypoint as root, or remount without noexec / reinstall "
                      "the agent.")
        .With(details);
  }

  return std::nullopt;
}

/// What the script itself says: one built without Cloud support always exits 3.
Result JudgeScriptText(Context& ctx, const std::string& path, Details details) {
  auto text = ctx.sys.ReadFile(path, 256 * 1024, true);
  container::ClaimScriptFacts facts;
  if (text.ok()) facts = container::ParseClaimScript(*text);
  details["disabled_cloud"] = facts.disabled_cloud || facts.missing_cloud_deps;
  details["v2_wrapper"] = facts.v2_wrapper;
  if (facts.disabled_cloud || facts.missing_cloud_deps) {
    return Result::Warn(
               "found " + path +
                   ", but it was built for an agent without Netdata Cloud support: it "
                   "always exits 3 (\"" +
                   (facts.disabled_cloud ? "built with --disable-cloud"
                                         : "built without the dependencies for "
                                           "Cloud") +
                   " and cannot be claimed\")",
               "Run the official netdata/netdata image (or install with kickstart.sh / the static "
               "build) instead of the distribution's netdata package.")
        .With(details);
  }
  return Result::Pass("found the claim script " + path + " (a file, executable)").With(details);
}

Result RunClaimScript(Context& ctx) {
  const std::string generation = AgentGeneration(ctx);
  Details details;
  details["generation"] = generation;
  if (generation == "v2") {
    return Result::Skip("v2 agents claim by themselves (no netdata-claim.sh is run)").With(details);
  }
  ClaimSettings s = ctx.Claim();
  if (!s.Wanted()) {
    return Result::Skip("claiming is not configured: the claim script is not run").With(details);
  }
  ClaimedId claimed = ctx.Claimed();
  if (claimed.found) {
    // run.sh tests only that the file exists (`[ ! -f .../claimed_id ]`), not what it holds.
    return Result::Skip(claimed.valid
                            ? "the node is already claimed (" + claimed.source +
                                  "): the entrypoint does not run the claim script again"
                            : claimed.source +
                                  " exists (though it is not a valid id: see claim.state), "
                                  "so the entrypoint does not run the claim script")
        .With(details);
  }

  // The v1 entrypoint runs the script under `set -e` when NETDATA_CLAIM_URL and _TOKEN are both
  // set: a script that cannot run ends the entrypoint before the agent starts. Certain only for
  // a known v1 agent (a v2 agent runs no script).
  const bool runs = generation == "v1" && s.env_url.set && !s.env_url.value.empty() &&
                    s.env_token.set && !s.env_token.value.empty();
  std::vector<std::string> candidates = SearchPath(ctx);
  Details searched = Details::array();
  for (const auto& c : candidates) searched.push_back(c);
  details["searched"] = searched;

  std::string path;
  for (const auto& c : candidates) {
    if (ctx.sys.Stat(c, false).ok()) {
      path = c;
      break;
    }
  }
  if (path.empty()) {
    if (generation != "v1") {
      return Result::Skip("no netdata agent was found and no " + std::string(kScript) +
                          " is on the search path: nothing to check (pass --agent PATH)")
          .With(details);
    }
    return ScriptFail(runs,
                      "no " + std::string(kScript) + " found in any of the " +
                          std::to_string(candidates.size()) +
                          " search paths (PATH, /usr/sbin, /opt/netdata/bin, ...): this v1 "
                          "agent cannot be claimed",
                      kReinstall)
        .With(details);
  }
  details["path"] = path;

  if (std::optional<Result> problem = ScriptFileProblem(ctx, path, runs, details)) {
    return std::move(*problem);
  }
  return JudgeScriptText(ctx, path, std::move(details));
}

}  // namespace

const CheckDef kClaimScript{
    "claim.script",
    "Claim script (v1 agents)",
    section::kClaimingKickstart,
    Kind::kOffline,
    {},
    &RunClaimScript,
    "v1 agents are claimed by netdata-claim.sh (the v1 image entrypoint runs it before the "
    "agent starts). It must be found on the kickstart search path, be a file and be executable: "
    "the guide's four outcomes (none found, path missing, not a file, not executable) are told "
    "apart. A script executable by its mode bits that access() refuses with EPERM means the "
    "container's seccomp profile blocks faccessat2 (see container.seccomp), not permissions. v2 "
    "agents claim by themselves: skipped.",
    /*implemented=*/true,
};

}  // namespace preflight::checks
