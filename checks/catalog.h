#pragma once
/// The explicit, ordered table of every check. Order = the order of the troubleshooting
/// guide: claiming first, then persistence/identity, then the network hops, then the link.

#include <string>
#include <string_view>
#include <vector>

#include "checks/check.h"

namespace preflight::checks {

/// Every check, in run order. The ids are the public contract.
const std::vector<const CheckDef*>& Catalog();

/// The check with this id, or nullptr.
const CheckDef* FindCheck(std::string_view id);

/// The catalog id closest to `id` (edit distance), for "did you mean"; empty if none is close.
std::string SuggestCheck(std::string_view id);

/// Each check file defines one of these.
extern const CheckDef kClaimToken;
extern const CheckDef kClaimConfig;
extern const CheckDef kClaimScript;
extern const CheckDef kClaimState;
extern const CheckDef kAgentVersion;
extern const CheckDef kContainerSeccomp;
extern const CheckDef kContainerVolume;
extern const CheckDef kContainerIdentity;
extern const CheckDef kContainerLifetime;
extern const CheckDef kNetworkProxy;
extern const CheckDef kNetworkDns;
extern const CheckDef kNetworkTls;
extern const CheckDef kNetworkHttps;
extern const CheckDef kNetworkWebsocket;
extern const CheckDef kCloudLink;

/// A hop on the way to Netdata Cloud (`network.*`), as opposed to the running agent's link
/// (cloud.link) and the local checks.
inline bool IsNetworkCheck(std::string_view id) { return id.substr(0, 8) == "network."; }

/// The run function of a placeholder check: skip, "not implemented yet".
Result NotImplemented(Context& ctx);

}  // namespace preflight::checks
