#pragma once
/// The production NetworkProber: c-ares for DNS, curl multi (static libcurl with c-ares and
/// OpenSSL) for proxy, TCP, TLS, HTTPS and the WebSocket upgrade; OpenSSL's verify callback
/// for the chain facts. One thread; every phase memoized per (plan, deadline).

#include <memory>
#include <string>

#include "container/net/network_prober.h"
#include "container/system.h"

namespace preflight::container {

class RealNetworkProber final : public NetworkProber {
 public:
  /// `sys` supplies the environment and reads the CA bundle; it must outlive the prober.
  explicit RealNetworkProber(const System& sys);
  ~RealNetworkProber() override;

  const ProxyProbe& TestProxy(const NetworkPlan& plan, NetDeadline deadline) override;
  const DnsReport& Resolve(const NetworkPlan& plan, NetDeadline deadline) override;
  const ReachReport& Reach(const NetworkPlan& plan, NetDeadline deadline) override;

 private:
  const System& sys_;
  std::string proxy_key_, dns_key_, reach_key_;
  ProxyProbe proxy_;
  DnsReport dns_;
  ReachReport reach_;
};

}  // namespace preflight::container
