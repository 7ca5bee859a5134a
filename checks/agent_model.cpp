// The agent-behaviour model's table. Every row was read in the agent's own source
// (netdata/netdata, tags v1.37.1 .. v2.11.0 and master @04b1cf5427); the row names the file.
#include "checks/agent_model.h"

namespace preflight::checks {
namespace {

constexpr Release kV1_41{1, 41, 0};
constexpr Release kV2_0{2, 0, 0};
constexpr Release kV2_1{2, 1, 0};
constexpr Release kV2_3{2, 3, 0};
constexpr Release kV2_8{2, 8, 0};
constexpr Release kV2_10{2, 10, 0};
constexpr Release kV2_11{2, 11, 0};

const std::vector<BehaviourDef> kModel = {
    {Behaviour::kDaemonClaims,
     "daemon-claims",
     "The agent claims by itself at start, from claim.conf, NETDATA_CLAIM_* or cloud.d/token; the "
     "container entrypoint runs no claim script.",
     {kV2_0, std::nullopt},
     "The v1 entrypoint runs netdata-claim.sh before the agent starts; a failing claim script "
     "ends the entrypoint (set -e).",
     "src/claim/claim-with-api.c claim_agent_automatically(); packaging/docker/run.sh has no "
     "claiming since commit 4c0122063f (#18125); run.sh@v1.47.5 l.113-121"},
    {Behaviour::kChownsStateAtStart,
     "chowns-state-at-start",
     "Started as root with `-u USER` (the official image's run.sh: `-u \"$DOCKER_USR\"`), the "
     "agent chowns /var/lib/netdata and the files directly in it, cloud.d and its files, "
     "registry/, the cache dir (recursively), the log and run dirs to USER before dropping "
     "privileges.",
     {kV1_41, std::nullopt},
     "Up to v1.40 the agent chowns only the directories it creates itself (create_needed_dir()); "
     "an existing root-owned directory stays root's. An agent started as non-root chowns "
     "nothing in any version.",
     "src/daemon/daemon.c prepare_required_directories() (daemon/daemon.c@v1.41.0, commit "
     "39e629e24c, #14890)"},
    {Behaviour::kClaimSourcesFallBack,
     "claim-sources-fall-back",
     "Claiming tries claim.conf, then the environment, then cloud.d/token and cloud.d/rooms, and "
     "moves on to the next source when a claim fails.",
     {kV2_0, std::nullopt},
     "v1 claims only from the environment (see v1-claims-from-env-only).",
     "src/claim/claim-with-api.c claim_agent_automatically()"},
    {Behaviour::kClaimConfNeedsTokenAndUrl,
     "claim-conf-needs-token-and-url",
     "claim.conf is used only when its [global] `token` and `url` are both non-empty (`url` "
     "defaults to https://app.netdata.cloud when absent); otherwise the next source is tried.",
     {kV2_0, std::nullopt},
     "v1 agents do not read claim.conf.",
     "src/claim/claim-with-api.c claim_agent_from_claim_conf()"},
    {Behaviour::kClaimAfterPrivilegeDrop,
     "claim-after-privilege-drop",
     "The claim runs after the agent dropped root, as its own user: a claim.conf that user cannot "
     "read is skipped like a missing one.",
     {kV2_0, std::nullopt},
     "The v1 entrypoint runs netdata-claim.sh as root, then chowns cloud.d to the agent's user.",
     "src/daemon/main.c (load_claiming_state() after become_daemon()); src/claim/claim.c"},
    {Behaviour::kClaimedIdFlexible,
     "claimed-id-flexible",
     "cloud.d/claimed_id (and cloud.conf `claimed_id`) is parsed by uuid_parse_flexi: 32 hex "
     "digits with 0 or 4 hyphens; anything after the 16th byte is ignored.",
     {kV2_0, std::nullopt},
     "v1 agents parse it with libuuid's uuid_parse: only the canonical 36-character form.",
     "src/claim/claim.c claimed_id_parse(); src/libnetdata/uuid/uuid.c uuid_parse_flexi()"},
    {Behaviour::kRegeneratesInvalidGuid,
     "regenerates-invalid-guid",
     "A machine GUID that is one of the two that shipped in distribution packages, or all zeros, "
     "is treated as missing: the agent generates a new one and writes it (the node appears as a "
     "new node).",
     {kOldestAgent, std::nullopt},
     "",
     "src/daemon/machine-guid.c; registry/registry_internals.c "
     "registry_get_this_machine_guid()@v1.37.1"},
    {Behaviour::kV1ClaimsFromEnvOnly,
     "v1-claims-from-env-only",
     "The entrypoint claims only when NETDATA_CLAIM_URL and NETDATA_CLAIM_TOKEN are both set and "
     "cloud.d/claimed_id does not exist; claim.conf and cloud.d/token are not read.",
     {kOldestAgent, kV2_0},
     "v2 agents claim by themselves (see daemon-claims).",
     "packaging/docker/run.sh@v1.37.1 l.52-60, @v1.47.5 l.113-121"},
    {Behaviour::kCloudAlwaysBuilt,
     "cloud-always-built",
     "The agent cannot be built without Netdata Cloud support.",
     {kV2_0, std::nullopt},
     "v1 can be built with --disable-cloud (Debian's netdata package is); `netdata -W buildinfo` "
     "says so.",
     "netdata-installer.sh@v2.0.0 (\"Cloud cannot be disabled\")"},
    {Behaviour::kLinkReadsHttpsProxy,
     "link-reads-https-proxy",
     "The Cloud link takes its proxy from lowercase http_proxy, then (when http_proxy is unset "
     "or empty) https_proxy, when cloud.conf says `proxy = env` (the default).",
     {kV2_3, std::nullopt},
     "Up to v2.2.x the link reads only http_proxy.",
     "src/aclk/aclk_proxy.c check_http_environment()@v2.3.0 (@v2.2.0 reads http_proxy only)"},
    {Behaviour::kLinkSocksFromEnv,
     "link-socks-from-env",
     "A socks5:// or socks5h:// proxy in http_proxy/https_proxy is used by the link.",
     {kV2_10, std::nullopt},
     "v2.0.0 to v2.9.x accept only http:// from http_proxy/https_proxy; any other value is an "
     "\"unknown format\" and the link connects directly (up to v2.6.1 a socks_proxy variable is "
     "read first, but the agent is built without libwebsockets' SOCKS5 and ignores it).",
     "src/aclk/aclk_proxy.c check_environment_proxy() (commit 569734dda9, #21831; "
     "check_http_environment()@v2.9.0)"},
    {Behaviour::kInsecureOptInverted,
     "insecure-opt-inverted",
     "NETDATA_EXTRA_CLAIM_OPTS=-insecure is ignored, and any other non-empty value turns "
     "certificate verification of the claim off (an inverted strstr test).",
     {kV2_0, kV2_11},
     "v2.11.0 honours the word -insecure (#23078); v1 passes the options to "
     "netdata-claim.sh.",
     "src/claim/claim-with-api.c claim_agent_from_environment()"},
    {Behaviour::kClaimProxyDefaultDirect,
     "claim-proxy-default-direct",
     "Without NETDATA_CLAIM_PROXY the claim (and the link) connect directly: environment "
     "proxies are ignored.",
     {kV2_0, kV2_1},
     "From v2.1.0 the default is `env` (#19098).",
     "src/claim/claim-with-api.c"},
    {Behaviour::kLinkProxyPrefixStrict,
     "link-proxy-prefix-strict",
     "The link's proxy value (from the environment or cloud.conf `proxy`) must start with "
     "`http://`, `socks5://` or `socks5h://`, case-sensitive (leading spaces skipped); any other "
     "value (`https://`, `HTTP://`, `host:port`) is logged as \"defined but of unknown format\" "
     "and the link connects directly. A bad http_proxy does not fall back to https_proxy.",
     {kV2_0, std::nullopt},
     "",
     "src/aclk/aclk_proxy.c aclk_verify_proxy(), check_environment_proxy() "
     "(check_http_environment()@v2.0.0)"},
    {Behaviour::kClaimProxyKeptForLink,
     "claim-proxy-kept-for-link",
     "A successful claim writes the claim's proxy (NETDATA_CLAIM_PROXY, claim.conf `proxy`; "
     "`none` when empty) into cloud.d/cloud.conf `proxy`, and the link reads it from there.",
     {kV2_0, std::nullopt},
     "v1's netdata-claim.sh writes `proxy` into cloud.conf only when given `-proxy=` in "
     "NETDATA_EXTRA_CLAIM_OPTS (src/claim/netdata-claim.sh.in@v1.47.5).",
     "src/claim/claim-with-api.c send_curl_request() -> src/claim/cloud-conf.c "
     "cloud_conf_regenerate()"},
    {Behaviour::kClaimTokenWrittenPlain,
     "claim-token-written-plain",
     "After a successful claim the agent writes the claim token in plain text into "
     "cloud.d/cloud.conf (`token = ...`).",
     {kV2_0, std::nullopt},
     "",
     "src/claim/cloud-conf.c cloud_conf_regenerate()"},
    {Behaviour::kSplitTokenSentAsIs,
     "split-token-sent-as-is",
     "cloud.d/token is read whole (read_by_filename()) and sent as it is: a trailing newline "
     "(`echo TOKEN > token`) becomes part of the token the Cloud checks.",
     {kV2_0, std::nullopt},
     "v1 agents do not read cloud.d/token.",
     "src/claim/claim-with-api.c claim_agent_from_split_files(); src/libnetdata/libnetdata.c "
     "read_by_filename()"},
    {Behaviour::kAnswersWhileInitializing,
     "answers-while-initializing",
     "While the agent starts, the netdatacli socket answers `ping` with pong and every other "
     "command with \"Agent is initializing\".",
     {kV2_8, std::nullopt},
     "Older agents open the socket later or answer commands directly.",
     "src/daemon/commands.c execute_command()"},
    {Behaviour::kClaimsBeforeServingHttp,
     "claims-before-serving-http",
     "The claim at start (up to 5 attempts, each up to a curl timeout) runs before the web "
     "server serves requests: HTTP connections are accepted and not answered meanwhile (a real "
     "v2.10.4 took ~28 s against a Cloud URL that never answers).",
     {kV2_0, std::nullopt},
     "v1 claims in the entrypoint, before the agent starts.",
     "src/daemon/main.c (claiming info step before the static threads); "
     "tests/testdata/netdata-v2.10.4/B0_initializing_claim_blackhole"},
    {Behaviour::kWritesStatusFile,
     "writes-status-file",
     "The agent keeps status-netdata.json (status, link state, exit reason, claim id) in its "
     "var-lib dir; it is still there when the agent is down.",
     {kV2_3, std::nullopt},
     "Older agents write no status file.",
     "src/daemon/daemon-status-file.c@v2.3.0 (STATUS_FILENAME); src/daemon/status-file.c"},
    {Behaviour::kClaimValuesSentAsGiven,
     "claim-values-sent-as-given",
     "The claim goes to `<url>/api/v1/spaces/nodes/<id>` with the token and rooms as the source "
     "gives them: nothing is trimmed or unquoted. Cloud answers 403 to a token it did not issue "
     "and 422 to a room id that is not one, and the claim fails.",
     {kOldestAgent, std::nullopt},
     "",
     "src/claim/claim-with-api.c send_curl_request()@v2.0.0; claim/netdata-claim.sh.in@v1.37.1 "
     "(exit 12 ErrForbidden, 10 ErrInvalidRoomID)"},
    {Behaviour::kV1EntrypointStopsOnClaimFailure,
     "v1-entrypoint-stops-on-claim-failure",
     "The entrypoint runs under `set -e` and calls netdata-claim.sh unguarded: a claim script "
     "that is missing or cannot run ends the container before the agent starts.",
     {kOldestAgent, kV2_0},
     "v2 entrypoints run no claim script (see daemon-claims).",
     "packaging/docker/run.sh@v1.37.1 l.10 (set -e) and l.52-60; same in v1.47.5"},
    {Behaviour::kStateInVarLib,
     "state-in-var-lib",
     "The machine GUID (registry/netdata.public.unique.id) and the claim (cloud.d: claimed_id, "
     "private.pem, cloud.conf) live under /var/lib/netdata; claiming writes the key pair there, "
     "and a claimed node reads them at every start.",
     {kOldestAgent, std::nullopt},
     "",
     "src/daemon/main.c (netdata_configured_cloud_dir = <varlib>/cloud.d)@v2.0.0; "
     "claim/netdata-claim.sh.in@v1.37.1 (CLAIMING_DIR)"},
    {Behaviour::kStartsThreads,
     "starts-threads",
     "The agent starts its worker threads (POSIX threads, through nd_thread_create) as it starts; "
     "glibc 2.34 and later create every thread with clone3 and fall back to clone only on ENOSYS.",
     {kOldestAgent, std::nullopt},
     "",
     "src/libnetdata/threads/threads.c nd_thread_create(); src/daemon/static_threads.c; glibc "
     "sysdeps/unix/sysv/linux/clone-internal.c"},
    {Behaviour::kReportsStreamState,
     "reports-stream-state",
     "/api/v3/info and /api/v2/info say whether the agent streams to a parent now: "
     "`cloud.status` is `indirect` (not `offline`) while its own link is down and its stream to "
     "a claimed parent is up, and `nodes.sending` counts its nodes whose stream is connected "
     "(more than `nodes.receiving`: its own). Netdata Cloud shows such a node Live through the "
     "parent; one whose stream is down Stale while a parent connected to Cloud keeps its data, "
     "else Offline.",
     {kV2_0, std::nullopt},
     "v1.41–v1.47 answer neither (no `indirect`, no `nodes`): only stream.conf tells.",
     "src/claim/cloud-status.c cloud_status()@v2.0.0; "
     "src/database/contexts/api_v2_contexts_agents.c buffer_json_agents_v2()@v2.0.0; "
     "src/database/rrd-metadata.c rrdstats_metadata_collect()@v2.4.0; "
     "docs/netdata-cloud/node-states-and-transitions.md@v2.10.4"},
};

/// The versions an unknown agent could be: every release from the oldest supported one on.
constexpr ReleaseRange kPossible{kOldestAgent, std::nullopt};

}  // namespace

std::string Release::Text() const {
  return "v" + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string ReleaseRange::Text() const {
  const bool from_oldest = !(kOldestAgent < from);
  if (!until) return from_oldest ? "all versions" : from.Text() + " and later";
  if (from_oldest) return "before " + until->Text();
  // [v2.0.0, v2.11.0) reads "v2.0.0 to v2.10.x".
  if (until->patch == 0 && until->minor > 0) {
    return from.Text() + " to v" + std::to_string(until->major) + "." +
           std::to_string(until->minor - 1) + ".x";
  }
  return from.Text() + ", before " + until->Text();
}

const std::vector<BehaviourDef>& AgentModel() { return kModel; }

const BehaviourDef& Describe(Behaviour b) {
  for (const auto& def : kModel) {
    if (def.id == b) return def;
  }
  return kModel.front();  // unreachable: every enumerator has a row (agent_model_test)
}

AgentFacts AgentFacts::Of(const container::AgentVersion& v) {
  AgentFacts f;
  // v1.99.x are v2.0.0's pre-releases: they behave as v2.0.0.
  f.release = v.major == 1 && v.minor >= 99 ? kV2_0 : Release{v.major, v.minor, v.patch};
  f.version_text = v.text;
  return f;
}

Holds AgentFacts::Does(Behaviour b) const {
  const ReleaseRange& range = Describe(b).versions;
  if (release) return range.Contains(*release) ? Holds::kYes : Holds::kNo;
  const bool covers_all = !(kPossible.from < range.from) && !range.until;
  return covers_all ? Holds::kYes : Holds::kDepends;
}

std::string AgentFacts::Name() const {
  return release ? "netdata " + version_text : std::string("the agent (version unknown)");
}

std::string Cite(Behaviour b) {
  const BehaviourDef& def = Describe(b);
  return def.versions.Text() + ", " + std::string(def.source);
}

std::string Because(Behaviour b) {
  const BehaviourDef& def = Describe(b);
  return "agent model `" + std::string(def.key) + "`: " + Cite(b);
}

std::string AgentModelMarkdown() {
  std::string out =
      "# What netdata-preflight assumes about the Netdata Agent\n\n"
      "Generated by `netdata-preflight list --agent-model`; do not edit by hand.\n\n"
      "Every behaviour of the agent that a check relies on, with the versions where it holds and "
      "the agent source it was read from (netdata/netdata, tags v1.37.1 to v2.11.0). The checks "
      "ask this table about the agent in the image (`agent.version`: `netdata -V`, or the run "
      "record of an earlier start of the same binary). When the version is unknown, a behaviour "
      "that holds only for some versions counts as \"depends\", and the gate of `run` and "
      "`check --gate` refuses only on what breaks every version that could be there.\n\n"
      "| behaviour | versions | what the agent does | other versions | source |\n"
      "|---|---|---|---|---|\n";
  for (const auto& def : kModel) {
    out += "| `" + std::string(def.key) + "` | " + def.versions.Text() + " | " +
           std::string(def.what) + " | " + (def.other.empty() ? "—" : std::string(def.other)) +
           " | " + std::string(def.source) + " |\n";
  }
  return out;
}

}  // namespace preflight::checks
