// libFuzzer target: proxy URL parsing, redaction, NO_PROXY matching and the proxy choices.
#include <cstddef>
#include <cstdint>
#include <string>

#include "container/net/proxy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto url = preflight::container::ParseUrl(text, 443);
  std::string redacted = preflight::container::RedactUrl(text);
  // A password must never survive redaction (unless the same text also appears elsewhere).
  const std::string secret = url.ok() ? ":" + url->password + "@" : "";
  if (url.ok() && url->password.size() >= 4 && text.find(secret) == text.rfind(secret) &&
      redacted.find(secret) != std::string::npos) {
    __builtin_trap();
  }
  preflight::container::NoProxyMatches(text, "api.netdata.cloud");
  preflight::container::ProxyResolvesNames(text);
  preflight::container::EnvMap env{{"https_proxy", text}, {"NO_PROXY", text}, {"http_proxy", text}};
  preflight::container::ClaimProxy(text, "fuzz", env, "app.netdata.cloud");
  preflight::container::LinkProxy(text, "fuzz", env);
  return 0;
}
