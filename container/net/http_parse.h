#pragma once
/// HTTP/1.x response parsing and the classification of answers from Netdata Cloud versus
/// answers from a proxy or firewall in between. Pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace preflight::container {

struct StatusLine {
  int major = 1, minor = 1;
  int code = 0;
  std::string reason;
};

/// Parses "HTTP/1.1 404 Not Found" (also "HTTP/2 200"); nullopt when it is not a status line.
std::optional<StatusLine> ParseStatusLine(std::string_view line);

/// Parses one "Name: value" header line: the lower-cased name and the trimmed value.
/// nullopt for a line without ':' (or an empty name).
std::optional<std::pair<std::string, std::string>> ParseHeaderLine(std::string_view line);

/// Whether a response looks like an HTML page (content type or body), the shape of proxy
/// and firewall block pages; Netdata Cloud's API answers JSON.
bool LooksLikeHtml(std::string_view content_type, std::string_view body);

/// Whether a page's text says it is a block page ("blocked", "access denied", "squid", ...).
bool MentionsBlock(std::string_view body);

/// What an HTTPS answer from a cloud host means.
enum class HttpVerdict {
  kReachable,  ///< any ordinary answer (404 for GET / is what the guide expects)
  kBlocked,    ///< 403 or 429: banned IP / rate limit / firewall policy
  kBlockPage,  ///< an HTML page that says it blocks (451, 407, or "blocked", "squid"...)
};
HttpVerdict ClassifyHttpAnswer(int status, std::string_view content_type, std::string_view body);

/// What the answer to the agent's WebSocket upgrade means.
enum class WsVerdict {
  kUpgraded,     ///< 101 Switching Protocols
  kAuthRefused,  ///< 401 from the cloud: the upgrade reached it; only credentials are missing
  kRefused,      ///< any other HTTP answer: something answered instead of upgrading
  kNoAnswer,     ///< reset, closed or silent: killed in flight
};
/// `answered` = a status line arrived.
WsVerdict ClassifyWebSocketAnswer(bool answered, int status, std::string_view content_type,
                                  std::string_view body);

/// "upgraded", "auth_refused", "refused", "no_answer".
const char* WsVerdictName(WsVerdict verdict);

}  // namespace preflight::container
