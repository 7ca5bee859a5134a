#include "container/net/http_parse.h"

#include <algorithm>
#include <cctype>

#include "container/base/text.h"

namespace preflight::container {
namespace {}  // namespace

bool MentionsBlock(std::string_view body) {
  std::string text = ToLower(body.substr(0, 4096));
  for (const char* word :
       {"blocked", "access denied", "forbidden", "firewall", "web filter", "url filter",
        "content filter", "policy violation", "squid", "fortiguard", "zscaler", "not allowed"}) {
    if (text.find(word) != std::string::npos) return true;
  }
  return false;
}

std::optional<StatusLine> ParseStatusLine(std::string_view line) {
  line = TrimSpace(line);
  if (line.substr(0, 5) != "HTTP/") return std::nullopt;
  line.remove_prefix(5);
  StatusLine s;
  if (line.empty() || !std::isdigit(static_cast<unsigned char>(line[0]))) return std::nullopt;
  s.major = line[0] - '0';
  s.minor = 0;
  line.remove_prefix(1);
  if (!line.empty() && line[0] == '.') {
    if (line.size() < 2 || !std::isdigit(static_cast<unsigned char>(line[1]))) return std::nullopt;
    s.minor = line[1] - '0';
    line.remove_prefix(2);
  }
  if (line.empty() || line[0] != ' ') return std::nullopt;
  line = TrimSpace(line);
  if (line.size() < 3) return std::nullopt;
  for (int i = 0; i < 3; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return std::nullopt;
  }
  if (line.size() > 3 && line[3] != ' ') return std::nullopt;
  s.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (s.code < 100) return std::nullopt;
  s.reason = std::string(TrimSpace(line.substr(3)));
  return s;
}

std::optional<std::pair<std::string, std::string>> ParseHeaderLine(std::string_view line) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view name = TrimSpace(line.substr(0, colon));
  if (name.empty() || name.find(' ') != std::string_view::npos) return std::nullopt;
  return std::make_pair(ToLower(name), std::string(TrimSpace(line.substr(colon + 1))));
}

bool LooksLikeHtml(std::string_view content_type, std::string_view body) {
  if (ToLower(content_type).find("text/html") != std::string::npos) return true;
  std::string start = ToLower(TrimSpace(body.substr(0, 512)));
  return start.rfind("<!doctype html", 0) == 0 || start.rfind("<html", 0) == 0 ||
         start.find("<html") != std::string::npos;
}

HttpVerdict ClassifyHttpAnswer(int status, std::string_view content_type, std::string_view body) {
  if (status == 403 || status == 429) return HttpVerdict::kBlocked;
  // The cloud's UI is HTML too, so an HTML page is a block page only when it says so.
  if (LooksLikeHtml(content_type, body) &&
      (status == 451 || status == 407 || MentionsBlock(body))) {
    return HttpVerdict::kBlockPage;
  }
  return HttpVerdict::kReachable;
}

WsVerdict ClassifyWebSocketAnswer(bool answered, int status, std::string_view content_type,
                                  std::string_view body) {
  if (!answered) return WsVerdict::kNoAnswer;
  if (status == 101) return WsVerdict::kUpgraded;
  if (status == 401 && !LooksLikeHtml(content_type, body)) return WsVerdict::kAuthRefused;
  return WsVerdict::kRefused;
}

const char* WsVerdictName(WsVerdict verdict) {
  switch (verdict) {
    case WsVerdict::kUpgraded:
      return "upgraded";
    case WsVerdict::kAuthRefused:
      return "auth_refused";
    case WsVerdict::kRefused:
      return "refused";
    case WsVerdict::kNoAnswer:
      return "no_answer";
  }
  return "?";
}

}  // namespace preflight::container
