#pragma once
/// A NetworkProber whose answers are whatever the test puts in; counts the calls so tests can
/// assert that a phase was (or was not) probed.

#include "container/net/network_prober.h"

namespace preflight::testing {

class FakeNetwork : public container::NetworkProber {
 public:
  container::ProxyProbe proxy;
  container::DnsReport dns;
  container::ReachReport reach;
  int proxy_calls = 0, resolve_calls = 0, reach_calls = 0;
  container::NetworkPlan last_plan;  ///< the plan of the latest call

  const container::ProxyProbe& TestProxy(const container::NetworkPlan& plan,
                                         container::NetDeadline) override {
    ++proxy_calls;
    last_plan = plan;
    return proxy;
  }
  const container::DnsReport& Resolve(const container::NetworkPlan& plan,
                                      container::NetDeadline) override {
    ++resolve_calls;
    last_plan = plan;
    return dns;
  }
  const container::ReachReport& Reach(const container::NetworkPlan& plan,
                                      container::NetDeadline) override {
    ++reach_calls;
    last_plan = plan;
    return reach;
  }
};

}  // namespace preflight::testing
