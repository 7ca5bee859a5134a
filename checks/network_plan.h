#pragma once
/// What the network checks probe, built once from the inputs and the agent's settings:
/// the Cloud targets (claim URL host, api., mqtt.netdata.cloud on 443, or --cloud-url), the
/// --resolve pins, --ca-file, and the proxies the claim request and the link will use.
/// Shared by the five network.* checks so that they all hand the prober the same plan
/// (the prober memoizes per plan and deadline).

#include <string>
#include <vector>

#include "checks/check.h"
#include "container/net/network_prober.h"
#include "container/net/proxy.h"

namespace preflight::checks {

inline constexpr std::string_view kDefaultCloudUrl = "https://app.netdata.cloud";

struct NetworkSetup {
  container::NetworkPlan plan;
  std::string cloud_url;         ///< the claim URL (or --cloud-url), as given
  std::string cloud_url_source;  ///< "--cloud-url", "claim.conf", "NETDATA_CLAIM_URL", "default"
  container::ProxyChoice claim_proxy;  ///< what libcurl uses to claim (url redacted in Details)
  container::ProxyChoice link_proxy;   ///< what the ACLK uses for the link
  std::string link_setting_source;     ///< where the link's proxy setting came from
  /// Not claimed yet: the claim's proxy setting is the link's (a successful claim writes it
  /// into cloud.d/cloud.conf, agent model `claim-proxy-kept-for-link`).
  bool link_from_claim = false;
  /// Version unknown and an older agent would choose another link proxy: what it would use.
  std::string link_proxy_by_version;
  /// Bad inputs (an unparsable --cloud-url, --resolve, proxy URL): the checks report them.
  std::vector<std::string> errors;

  /// Targets, proxies (credentials redacted) and the CA option as report details.
  Details ToDetails() const;
};

/// Builds the plan. Pure apart from reading the claim settings and cloud.conf/netdata.conf
/// through ctx.sys.
NetworkSetup BuildNetworkSetup(Context& ctx);

/// One line naming the targets, e.g. "app.netdata.cloud:443, api.netdata.cloud:443".
std::string TargetList(const container::NetworkPlan& plan);

}  // namespace preflight::checks
