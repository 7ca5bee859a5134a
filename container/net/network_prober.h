#pragma once
/// Network probes toward Netdata Cloud (DNS, TCP, TLS, HTTPS, WebSocket, proxy).
/// Placeholder until the network-checks work fills it in.

namespace preflight::container {

class NetworkProber {
 public:
  virtual ~NetworkProber() = default;
};

}  // namespace preflight::container
