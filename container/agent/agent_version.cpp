#include "container/agent/agent_version.h"

#include <cctype>
#include <climits>

#include "container/parse/ini.h"

namespace preflight::container {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// Reads a decimal number at `s[*pos]`; false when there is none or it overflows an int.
bool ReadNumber(std::string_view s, size_t* pos, int* out) {
  size_t start = *pos;
  long value = 0;
  while (*pos < s.size() && IsDigit(s[*pos])) {
    value = value * 10 + (s[*pos] - '0');
    if (value > INT_MAX / 10) return false;  // no real version is that long
    ++*pos;
  }
  *out = static_cast<int>(value);
  return *pos > start;
}

/// `[v]X.Y.Z[suffix]` at the start of `word`.
std::optional<AgentVersion> ParseWord(std::string_view word) {
  AgentVersion v;
  size_t pos = 0;
  if (pos < word.size() && (word[pos] == 'v' || word[pos] == 'V')) ++pos;
  if (!ReadNumber(word, &pos, &v.major) || pos >= word.size() || word[pos] != '.') return {};
  ++pos;
  if (!ReadNumber(word, &pos, &v.minor)) return {};
  // The patch number is required by netdata's own regex; accept "v1.37" defensively.
  if (pos < word.size() && word[pos] == '.') {
    ++pos;
    if (!ReadNumber(word, &pos, &v.patch)) return {};
  }
  if (pos < word.size() && word[pos] != '-' && word[pos] != '+' && word[pos] != '_') return {};
  for (char c : word.substr(pos, 64)) {
    v.suffix += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '+' ||
                 c == '_')
                    ? c
                    : '?';
  }
  v.text = "v" + std::to_string(v.major) + "." + std::to_string(v.minor) + "." +
           std::to_string(v.patch) + v.suffix;
  return v;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

/// "YES..." / "NO..." → true/false; anything else → unknown.
std::optional<bool> YesNo(std::string_view value) {
  std::string up = Upper(value);
  if (up.rfind("YES", 0) == 0) return true;
  if (up.rfind("NO", 0) == 0) return false;
  return {};
}

}  // namespace

Expected<AgentVersion> ParseAgentVersion(std::string_view output) {
  while (!output.empty()) {
    auto nl = output.find('\n');
    std::string_view line = TrimSpace(output.substr(0, nl));
    output = nl == std::string_view::npos ? std::string_view() : output.substr(nl + 1);
    // Words of the line: "netdata v1.37.1", "Version: netdata v1.37.1", or just "v1.37.1".
    while (!line.empty()) {
      auto sp = line.find_first_of(" \t");
      std::string_view word = line.substr(0, sp);
      line = sp == std::string_view::npos ? std::string_view() : TrimSpace(line.substr(sp));
      if (auto v = ParseWord(word); v && (word[0] == 'v' || word[0] == 'V' || line.empty())) {
        return *v;
      }
    }
  }
  return Error{EINVAL, "no version (`netdata vX.Y.Z`) in the output"};
}

BuildInfo ParseBuildInfo(std::string_view text) {
  BuildInfo info;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = TrimSpace(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    // v1: "Name:   VALUE"; v2: "Name ____ : VALUE". The v2 separator is " : ".
    std::string_view name, value;
    if (auto sep = line.find(" : "); sep != std::string_view::npos) {
      name = line.substr(0, sep);
      value = TrimSpace(line.substr(sep + 3));
      while (!name.empty() && (name.back() == '_' || name.back() == ' ')) name.remove_suffix(1);
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      name = TrimSpace(line.substr(0, colon));
      value = TrimSpace(line.substr(colon + 1));
    } else {
      continue;
    }
    if (name == "Netdata Cloud") {
      info.cloud = YesNo(value);
      info.cloud_text = std::string(value.substr(0, 80));
    } else if (name == "ACLK" || name.rfind("ACLK (", 0) == 0) {
      info.aclk = YesNo(value);
      info.aclk_text = std::string(value.substr(0, 80));
    }
  }
  return info;
}

}  // namespace preflight::container
