#pragma once
/// The agent-behaviour model: every behaviour of the Netdata Agent that a check relies on, stated
/// once, with the versions where it holds and the agent source it was read from. Checks never
/// assume a version: they ask the model about the agent in the image (AgentFacts). When the
/// version is unknown, the model answers for every version that could be there (Holds::kDepends
/// when some do and some do not). docs/agent-behaviour.md is generated from this table
/// (`netdata-preflight list --agent-model`).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "container/agent/agent_version.h"

namespace preflight::checks {

/// A release as major.minor.patch; pre-releases and nightlies count as their base version.
struct Release {
  int major = 0;
  int minor = 0;
  int patch = 0;
  friend bool operator<(const Release& a, const Release& b) {
    if (a.major != b.major) return a.major < b.major;
    if (a.minor != b.minor) return a.minor < b.minor;
    return a.patch < b.patch;
  }
  std::string Text() const;  ///< "v1.41.0"
};

/// [from, until): `until` unset = every later release.
struct ReleaseRange {
  Release from;
  std::optional<Release> until;
  bool Contains(const Release& r) const { return !(r < from) && (!until || r < *until); }
  std::string Text() const;  ///< "v1.41.0 and later", "v2.0.0 to v2.10.x", "all versions"
};

enum class Behaviour {
  kDaemonClaims,               ///< the daemon claims itself (no netdata-claim.sh in run.sh)
  kChownsStateAtStart,         ///< started as root with -u USER: chowns var-lib, cloud.d, cache...
  kClaimSourcesFallBack,       ///< claim.conf, then the environment, then cloud.d/token
  kClaimConfNeedsTokenAndUrl,  ///< claim.conf counts only with non-empty token and url
  kClaimAfterPrivilegeDrop,    ///< the claim (and its read of claim.conf) runs as the agent's user
  kClaimedIdFlexible,          ///< claimed_id parsed by uuid_parse_flexi (0 or 4 hyphens)
  kRegeneratesInvalidGuid,     ///< a blacklisted or all-zero machine GUID is replaced
  kV1ClaimsFromEnvOnly,        ///< run.sh claims with NETDATA_CLAIM_URL and _TOKEN both set
  kCloudAlwaysBuilt,           ///< cannot be built without Netdata Cloud
  kLinkReadsHttpsProxy,        ///< the link reads https_proxy (before: http_proxy only)
  kLinkSocksFromEnv,           ///< socks5:// proxies from the environment reach the link
  kInsecureOptInverted,        ///< NETDATA_EXTRA_CLAIM_OPTS=-insecure is ignored, others turn it on
  kClaimProxyDefaultDirect,    ///< the claim's proxy default is "" (direct), env proxies ignored
  kLinkProxyPrefixStrict,   ///< a proxy value must start with http:// (socks5[h]://) or is ignored
  kClaimProxyKeptForLink,   ///< a successful claim writes its proxy into cloud.conf for the link
  kClaimTokenWrittenPlain,  ///< a successful claim writes the token in plain text into cloud.conf
  kSplitTokenSentAsIs,      ///< cloud.d/token is sent as read: a trailing newline is part of it
  kAnswersWhileInitializing,  ///< `ping` → pong and aclk-state "Agent is initializing" during start
  kClaimsBeforeServingHttp,  ///< the claim at start runs before the web server serves requests
  kWritesStatusFile,         ///< status-netdata.json records the last state, readable when down
  kClaimValuesSentAsGiven,   ///< token, rooms and URL go to Cloud as given (no trim, no unquote)
  kV1EntrypointStopsOnClaimFailure,  ///< v1 run.sh is `set -e`: a failing claim script ends it
  kStateInVarLib,                    ///< GUID and claim (cloud.d: claimed_id, keys) live in var-lib
  kStartsThreads,                    ///< the agent creates threads at start (glibc >= 2.34: clone3)
  kReportsStreamState,               ///< /api/v2|v3/info: `indirect`, nodes.sending (stream up now)
};

struct BehaviourDef {
  Behaviour id;
  std::string_view key;     ///< stable name, e.g. "chowns-state-at-start"
  std::string_view what;    ///< what the agent does, one sentence
  ReleaseRange versions;    ///< where it holds
  std::string_view other;   ///< what the versions outside the range do
  std::string_view source;  ///< the agent's source that says so (file, function, tag, PR)
};

/// The whole model, in a stable order.
const std::vector<BehaviourDef>& AgentModel();
const BehaviourDef& Describe(Behaviour b);

/// The oldest agent any check considers (the troubleshooting guide's minimum).
inline constexpr Release kOldestAgent{1, 32, 0};

enum class Holds {
  kYes,      ///< holds for the detected version (or for every version that could be there)
  kNo,       ///< holds for none
  kDepends,  ///< the version is unknown and some possible versions do, some do not
};

/// What is known of the agent in the image.
struct AgentFacts {
  std::optional<Release> release;  ///< unset: unknown, every version could be there
  std::string version_text;        ///< "v2.10.4" as detected, or ""

  static AgentFacts Unknown() { return {}; }
  static AgentFacts Of(const container::AgentVersion& v);

  bool Known() const { return release.has_value(); }
  Holds Does(Behaviour b) const;
  /// True only when the behaviour certainly holds (kYes).
  bool Surely(Behaviour b) const { return Does(b) == Holds::kYes; }
  /// True only when the behaviour certainly does not hold (kNo).
  bool SurelyNot(Behaviour b) const { return Does(b) == Holds::kNo; }
  /// "netdata v2.10.4" or "the agent (version unknown)".
  std::string Name() const;
};

/// "v1.41.0 and later (src/daemon/daemon.c prepare_required_directories(), #14890)": what a
/// message cites when it relies on `b`.
std::string Cite(Behaviour b);

/// Why a failure is certain for the detected agent, as Result::certain_because records it:
/// "agent model `key`: <versions>, <source>".
std::string Because(Behaviour b);

/// docs/agent-behaviour.md.
std::string AgentModelMarkdown();

}  // namespace preflight::checks
