#pragma once
/// Anchors of the sections of the troubleshooting guide
/// (shared/seed/troubleshoot-agent-cloud-connectivity.md) that verdicts and checks name.

#include <string_view>

namespace preflight::checks::section {

inline constexpr std::string_view kClaimingUnsuccessful = "the-claiming-process-was-unsuccessful";
inline constexpr std::string_view kVerifyAccess = "verify-your-node-can-access-netdata-cloud";
inline constexpr std::string_view kClaimingKickstart = "troubleshoot-claiming-with-kickstartsh";
inline constexpr std::string_view kClaimingDocker = "troubleshoot-claiming-with-docker";
inline constexpr std::string_view kClaimedCannotConnect =
    "the-agent-was-claimed-but-can-not-connect";
inline constexpr std::string_view kAgentRunning = "verify-that-the-agent-is-running";
inline constexpr std::string_view kKilledEarly =
    "troubleshoot-connection-establishment-with-docker";
inline constexpr std::string_view kWebsockets = "verify-that-your-firewall-allows-websockets";
inline constexpr std::string_view kPreviouslyConnected =
    "previously-connected-agent-that-can-no-longer-connect";
inline constexpr std::string_view kStillConnectable =
    "verify-that-network-connectivity-is-still-possible";
inline constexpr std::string_view kPersisted = "verify-that-the-claiming-info-is-persisted";
inline constexpr std::string_view kNotCloned = "verify-that-the-claiming-info-is-not-cloned";
inline constexpr std::string_view kNotBanned =
    "verify-that-your-ip-is-not-blocked-by-netdata-cloud";

}  // namespace preflight::checks::section
