#include "container/net/proxy.h"

#include <algorithm>
#include <cctype>

#include "container/base/text.h"

namespace preflight::container {
namespace {

int SchemePort(std::string_view scheme) {
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme.substr(0, 5) == "socks") return 1080;
  return 0;
}

const std::string* Get(const EnvMap& env, const char* name) {
  auto it = env.find(name);
  if (it == env.end() || TrimSpace(it->second).empty()) return nullptr;
  return &it->second;
}

}  // namespace

Expected<Url> ParseUrl(std::string_view text, int default_port) {
  text = TrimSpace(text);
  if (text.empty()) return Error{EINVAL, "empty URL"};
  Url url;
  std::string_view rest = text;
  auto sep = rest.find("://");
  if (sep != std::string_view::npos) {
    url.scheme = ToLower(rest.substr(0, sep));
    rest.remove_prefix(sep + 3);
    if (url.scheme.empty()) return Error{EINVAL, "`" + RedactUrl(text) + "` has an empty scheme"};
  } else {
    url.scheme = "http";  // libcurl's default for a proxy without scheme
  }
  auto slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (url.path[0] != '/') url.path = "/" + url.path;
  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view cred = authority.substr(0, at);
    auto colon = cred.find(':');
    url.user = std::string(cred.substr(0, colon));
    if (colon != std::string_view::npos) url.password = std::string(cred.substr(colon + 1));
    authority.remove_prefix(at + 1);
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return Error{EINVAL, "`" + RedactUrl(text) + "` has an unclosed IPv6 bracket"};
    }
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Error{EINVAL, "`" + RedactUrl(text) + "` is not a URL"};
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return Error{EINVAL, "`" + RedactUrl(text) + "` has no host"};
  for (char c : url.host) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'') {
      return Error{EINVAL, "`" + RedactUrl(text) + "` has a bad character in its host"};
    }
  }
  url.host = ToLower(url.host);
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) {
        return Error{EINVAL, "`" + RedactUrl(text) + "` has a bad port"};
      }
      port = port * 10 + (c - '0');
    }
    if (port <= 0 || port > 65535) return Error{EINVAL, "`" + RedactUrl(text) + "` has a bad port"};
    url.port = port;
  } else {
    url.port = SchemePort(url.scheme);
    if (url.port == 0) url.port = default_port;
  }
  return url;
}

std::string RedactUrl(std::string_view text) {
  auto sep = text.find("://");
  size_t start = sep == std::string_view::npos ? 0 : sep + 3;
  auto end = text.find_first_of("/?#", start);
  std::string_view authority =
      text.substr(start, end == std::string_view::npos ? end : end - start);
  auto at = authority.rfind('@');
  size_t cut;
  if (at != std::string_view::npos) {
    cut = start + at;
  } else {
    // No '@' before the first '/': a password holding '/', '?' or '#' unescaped would still
    // follow. Hide up to the last '@' anywhere; over-hiding a path costs nothing.
    cut = text.rfind('@');
    if (cut == std::string_view::npos || cut < start) return std::string(text);
  }
  std::string out(text.substr(0, start));
  out += "***@";
  out += text.substr(cut + 1);
  return out;
}

bool NoProxyMatches(std::string_view no_proxy, std::string_view host) {
  std::string h = ToLower(host);
  size_t pos = 0;
  while (pos <= no_proxy.size()) {
    auto comma = no_proxy.find(',', pos);
    std::string entry = ToLower(
        TrimSpace(no_proxy.substr(pos, comma == std::string_view::npos ? comma : comma - pos)));
    pos = comma == std::string_view::npos ? no_proxy.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (entry.front() == '.') entry.erase(0, 1);
    if (h == entry) return true;
    if (h.size() > entry.size() && h.compare(h.size() - entry.size(), entry.size(), entry) == 0 &&
        h[h.size() - entry.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

ProxyChoice ClaimProxy(std::string_view setting, std::string_view setting_source, const EnvMap& env,
                       std::string_view host) {
  std::string value = ToLower(TrimSpace(setting));
  if (value == "none") return {"", std::string(setting_source) + "=none", "proxy disabled"};
  if (!value.empty() && value != "env") {
    return {std::string(TrimSpace(setting)), std::string(setting_source), ""};
  }
  // libcurl's environment rules for an https URL.
  for (const char* np : {"no_proxy", "NO_PROXY"}) {
    if (const std::string* v = Get(env, np); v != nullptr && NoProxyMatches(*v, host)) {
      return {"", np, std::string(np) + " matches " + std::string(host)};
    }
  }
  for (const char* name : {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    if (const std::string* v = Get(env, name)) return {std::string(TrimSpace(*v)), name, ""};
  }
  return {"", "", "no proxy variable set"};
}

namespace {

// A value quoted in a message: redacted, printable, at most 60 characters.
std::string Quoted(std::string_view value) {
  std::string shown = RedactUrl(value);
  const size_t size = shown.size();
  if (size > 60) shown = shown.substr(0, 60) + "... (" + std::to_string(size) + " characters)";
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  return shown;
}

// aclk_verify_proxy(): leading spaces skipped, then a case-sensitive prefix.
bool AclkAccepts(std::string_view value, bool socks) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  auto starts = [&](std::string_view p) { return value.substr(0, p.size()) == p; };
  return starts("http://") || (socks && (starts("socks5://") || starts("socks5h://")));
}

}  // namespace

ProxyChoice LinkProxy(std::string_view setting, std::string_view setting_source, const EnvMap& env,
                      const LinkProxyRules& rules) {
  const std::string value(TrimSpace(setting));
  // The ACLK treats an empty setting like `none` (aclk_proxy.c, strcmp: case-sensitive): direct.
  if (value == "none" || value.empty()) {
    return {"", std::string(setting_source) + "=" + (value.empty() ? "\"\"" : "none"),
            "proxy disabled"};
  }
  if (value != "env") {
    // cloud.conf / netdata.conf `proxy`: http://, socks5:// or socks5h:// in every v2 agent.
    if (!AclkAccepts(value, /*socks=*/true)) {
      return {"", std::string(setting_source),
              "the agent logs: Config var \"proxy\" defined but of unknown format (" +
                  Quoted(value) + "): the link connects directly"};
    }
    return {value, std::string(setting_source), ""};
  }
  // The ACLK reads lowercase http_proxy, then https_proxy; no uppercase, no NO_PROXY.
  const char* name = "http_proxy";
  const std::string* v = Get(env, name);
  if ((v == nullptr || v->empty()) && rules.reads_https_proxy) {
    name = "https_proxy";
    v = Get(env, name);
  }
  if (v == nullptr || v->empty()) {
    return {"", "",
            rules.reads_https_proxy
                ? "neither http_proxy nor https_proxy is set"
                : "http_proxy is not set (this agent does not read https_proxy)"};
  }
  if (!AclkAccepts(*v, rules.socks_from_env)) {
    return {"", name,
            "the agent logs: Environment var '" + std::string(name) +
                "' defined but of unknown format '" + Quoted(*v) + "' (this agent accepts " +
                (rules.socks_from_env ? "http://, socks5:// or socks5h://" : "only http://") +
                "): the link connects directly"};
  }
  return {std::string(TrimSpace(*v)), name, ""};
}

bool ProxyResolvesNames(std::string_view proxy_url) {
  auto url = ParseUrl(proxy_url);
  if (!url.ok()) return false;
  return url->scheme == "http" || url->scheme == "https" || url->scheme == "socks5h" ||
         url->scheme == "socks4a";
}

}  // namespace preflight::container
