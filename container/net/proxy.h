#pragma once
/// Proxy settings: parsing, redaction, and which proxy a request uses under libcurl's rules
/// (claiming) and under the ACLK's rules (the link). Pure functions.
/// Sources: reference/netdata-facts.md §4 "Proxy handling".

#include <string>
#include <string_view>

#include "container/base/expected.h"
#include "container/system.h"

namespace preflight::container {

/// A parsed URL: scheme://[user[:password]@]host[:port][/path].
struct Url {
  std::string scheme;  ///< lower-cased; "http" when the text had none (libcurl's default)
  std::string user;
  std::string password;
  std::string host;  ///< without brackets for IPv6
  int port = 0;      ///< explicit, or the scheme's default (http 80/1080 proxy, https 443)
  std::string path;  ///< "/" when empty
  bool has_credentials() const { return !user.empty() || !password.empty(); }
};

/// Parses a URL or a bare `host[:port]` (a proxy may be given without scheme).
/// `default_port` applies when neither the text nor the scheme gives one.
Expected<Url> ParseUrl(std::string_view text, int default_port = 0);

/// The URL with the password (and the user) replaced by "***": safe to print.
/// Text that does not parse is returned with anything before '@' masked.
std::string RedactUrl(std::string_view text);

/// Where a proxy setting came from and what it resolves to.
struct ProxyChoice {
  std::string url;  ///< effective proxy URL; empty = direct
  std::string
      source;       ///< "NETDATA_CLAIM_PROXY", "https_proxy", "none", "direct (no proxy set)", ...
  std::string why;  ///< e.g. "NO_PROXY matches api.netdata.cloud"
};

/// The proxy libcurl uses for an https `host` when the setting is `setting` ("" or "env" =
/// environment): https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY, honouring no_proxy/NO_PROXY.
/// `setting_source` names where the setting came from.
ProxyChoice ClaimProxy(std::string_view setting, std::string_view setting_source, const EnvMap& env,
                       std::string_view host);

/// What the ACLK of a given agent version accepts (checks/agent_model.h says which version does
/// what; the defaults are the newest agent's rules).
struct LinkProxyRules {
  bool reads_https_proxy = true;  ///< v2.3.0+: https_proxy when http_proxy is unset or empty
  bool socks_from_env = true;     ///< v2.10.0+: socks5:// and socks5h:// from the environment
};

/// The proxy the ACLK uses: "env" = lowercase http_proxy, then https_proxy (no uppercase, no
/// NO_PROXY); "none" or "" = direct; anything else is the URL itself. A value that does not
/// start with `http://` (or `socks5://`, `socks5h://` where allowed), case-sensitive, is what
/// the agent logs as "defined but of unknown format": the link connects directly (url empty,
/// `why` quotes the agent) and a bad http_proxy does not fall back to https_proxy.
ProxyChoice LinkProxy(std::string_view setting, std::string_view setting_source, const EnvMap& env,
                      const LinkProxyRules& rules = {});

/// libcurl's NO_PROXY match: "*", or a comma list of names/domains (".x" or "x" match x and
/// its subdomains). (CIDR entries are ignored: our targets are names.)
bool NoProxyMatches(std::string_view no_proxy, std::string_view host);

/// Whether a proxy of this scheme resolves the target's name (http, https, socks5h, socks4a).
bool ProxyResolvesNames(std::string_view proxy_url);

}  // namespace preflight::container
