#include "cmd/report_text.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cmd/version.h"

namespace preflight::cmd {
namespace {

using CheckStatus = checks::Status;  // not `Status`: cmd/ builds as one TU

const char* Colour(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass:
      return "\033[32m";
    case CheckStatus::kWarn:
      return "\033[33m";
    case CheckStatus::kFail:
      return "\033[31m";
    case CheckStatus::kError:
      return "\033[35m";
    case CheckStatus::kSkip:
      return "\033[2m";
  }
  return "";
}

std::string Label(CheckStatus s) {
  std::string label(checks::StatusName(s));
  for (char& c : label) c = static_cast<char>(c - 'a' + 'A');
  return label;
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

// The further findings of a check (details.findings, "fail: ... Fix: ..."), without the one
// its message already shows.
std::vector<std::string> FurtherFindings(const checks::Result& r) {
  std::vector<std::string> out;
  if (!r.details.is_object()) return out;
  auto it = r.details.find("findings");
  if (it == r.details.end() || !it->is_array() || it->size() < 2) return out;
  std::string primary = r.message;
  if (auto cut = primary.rfind(" (and "); cut != std::string::npos) primary.resize(cut);
  bool skipped = false;
  for (const auto& f : *it) {
    if (!f.is_string()) continue;
    std::string text = OneLine(f.get<std::string>());
    const auto colon = text.find(": ");
    if (!skipped && colon != std::string::npos &&
        text.compare(colon + 2, primary.size(), primary) == 0) {
      skipped = true;
      continue;
    }
    out.push_back(std::move(text));
  }
  return out;
}

}  // namespace

std::string WrapLine(const std::string& text, size_t width, size_t indent) {
  if (width == 0 || width <= indent + 10 || text.size() <= width) return text;
  std::string out;
  size_t col = 0;
  size_t pos = 0;
  bool first_word = true;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(pos, end - pos);
    if (!first_word && col + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      col = indent;
    } else if (!first_word) {
      out += ' ';
      ++col;
    }
    out += word;
    col += word.size();
    first_word = false;
    pos = end + 1;
    if (end == text.size()) break;
  }
  return out;
}

std::string GuideUrl(const std::string& section) {
  return "https://learn.netdata.cloud/docs/configuring/"
         "troubleshoot-agent-cloud-connectivity-issues#" +
         section;
}

std::string RenderText(const checks::Report& report, const TextStyle& style) {
  const bool colour = style.colour;
  const char* reset = colour ? "\033[0m" : "";
  // Colour codes take no columns: wrap the plain text, then paint the label.
  auto line = [&](const std::string& plain, size_t indent) {
    return WrapLine(plain, style.width, indent) + "\n";
  };
  const auto& v = report.verdict;
  std::string out;
  const std::string verdict = line(Pad(Label(v.status), 4) + "  " + OneLine(v.summary), 6);
  out += std::string(colour ? Colour(v.status) : "") + verdict.substr(0, 4) + reset +
         verdict.substr(4);
  out += "      expected node state: " + v.expected_node_state + "\n";
  if (!v.section.empty()) out += "      guide: " + GuideUrl(v.section) + "\n";
  out += "\n";
  size_t width = 0;
  for (const auto& run : report.checks) width = std::max(width, run.def->id.size());
  const size_t indent = 6 + width + 2;
  for (const auto& run : report.checks) {
    const auto& r = run.result;
    const std::string label = Pad(Label(r.status), 5);
    const std::string text = line(
        label + " " + Pad(std::string(run.def->id), width) + "  " + OneLine(r.message), indent);
    out += std::string(colour ? Colour(r.status) : "") + label + reset + text.substr(label.size());
    if ((r.status == CheckStatus::kWarn || r.status == CheckStatus::kFail) &&
        !r.remediation.empty()) {
      out += line(std::string(indent, ' ') + "fix: " + OneLine(r.remediation), indent + 5);
    }
    // Text cannot show details: every further finding is listed here, indented.
    for (const auto& f : FurtherFindings(r)) {
      out += line(std::string(indent, ' ') + "also " + f, indent + 5);
    }
  }
  char tail[96];
  std::snprintf(tail, sizeof tail, "\nnetdata-preflight %s, %zu checks in %.1f ms\n", kVersion,
                report.checks.size(), report.duration_ms);
  out += tail;
  return out;
}

bool ColourWanted(bool stdout_is_tty, const char* no_color, const char* term) {
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return stdout_is_tty && (no_color == nullptr || no_color[0] == '\0');
}

TextStyle TerminalStyle(int fd) {
  TextStyle style;
  const bool tty = ::isatty(fd) == 1;
  style.colour = ColourWanted(tty, std::getenv("NO_COLOR"), std::getenv("TERM"));
  if (!tty) return style;
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    style.width = ws.ws_col;
  } else if (const char* cols = std::getenv("COLUMNS")) {
    style.width = static_cast<size_t>(std::strtoul(cols, nullptr, 10));
  }
  return style;
}

std::string RenderSummary(const checks::Report& report, size_t max_bytes) {
  std::vector<std::string> lines;
  const auto& v = report.verdict;
  lines.push_back("netdata-preflight: " + Label(v.status) + ": " + OneLine(v.summary));
  lines.push_back("expected node state: " + v.expected_node_state +
                  (v.section.empty() ? "" : "; guide: " + GuideUrl(v.section)));
  // Failures first, then warnings: the first 4 KiB must carry the cause.
  for (CheckStatus wanted : {CheckStatus::kFail, CheckStatus::kError, CheckStatus::kWarn}) {
    for (const auto& run : report.checks) {
      if (run.result.status != wanted) continue;
      lines.push_back(Label(wanted) + " " + std::string(run.def->id) + ": " +
                      OneLine(run.result.message));
      if (!run.result.remediation.empty())
        lines.push_back("  fix: " + OneLine(run.result.remediation));
      for (const auto& f : FurtherFindings(run.result)) lines.push_back("  also " + f);
    }
  }
  std::string out;
  if (max_bytes == 0) return out;
  for (auto& line : lines) {
    if (line.size() + 1 > max_bytes - out.size()) {
      if (out.empty()) out = line.substr(0, max_bytes - 1) + "\n";
      break;
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace preflight::cmd
