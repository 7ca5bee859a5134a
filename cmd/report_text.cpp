#include "cmd/report_text.h"

#include <cstdio>

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

std::string SeedLink(const std::string& section) {
  return "troubleshoot-agent-cloud-connectivity#" + section;
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

}  // namespace

std::string RenderText(const checks::Report& report, bool colour) {
  const char* reset = colour ? "\033[0m" : "";
  const auto& v = report.verdict;
  std::string out;
  out += std::string(colour ? Colour(v.status) : "") + Label(v.status) + reset + "  " +
         OneLine(v.summary) + "\n";
  out += "      expected node state: " + v.expected_node_state;
  if (!v.section.empty()) out += "   guide: " + SeedLink(v.section);
  out += "\n\n";
  size_t width = 0;
  for (const auto& run : report.checks) width = std::max(width, run.def->id.size());
  for (const auto& run : report.checks) {
    const auto& r = run.result;
    out += std::string(colour ? Colour(r.status) : "") + Pad(Label(r.status), 5) + reset + " " +
           Pad(std::string(run.def->id), width) + "  " + OneLine(r.message) + "\n";
    if ((r.status == CheckStatus::kWarn || r.status == CheckStatus::kFail) &&
        !r.remediation.empty()) {
      out += std::string(6 + width + 2, ' ') + "fix: " + OneLine(r.remediation) + "\n";
    }
  }
  char tail[96];
  std::snprintf(tail, sizeof tail, "\nnetdata-preflight %s, %zu checks in %.1f ms\n", kVersion,
                report.checks.size(), report.duration_ms);
  out += tail;
  return out;
}

bool ColourWanted(bool stdout_is_tty, const char* no_color) {
  return stdout_is_tty && (no_color == nullptr || no_color[0] == '\0');
}

std::string RenderSummary(const checks::Report& report, size_t max_bytes) {
  std::vector<std::string> lines;
  const auto& v = report.verdict;
  lines.push_back("netdata-preflight: " + Label(v.status) + ": " + OneLine(v.summary));
  lines.push_back("expected node state: " + v.expected_node_state +
                  (v.section.empty() ? "" : "; guide section: " + v.section));
  // Failures first, then warnings: the first 4 KiB must carry the cause.
  for (CheckStatus wanted : {CheckStatus::kFail, CheckStatus::kError, CheckStatus::kWarn}) {
    for (const auto& run : report.checks) {
      if (run.result.status != wanted) continue;
      lines.push_back(Label(wanted) + " " + std::string(run.def->id) + ": " +
                      OneLine(run.result.message));
      if (!run.result.remediation.empty())
        lines.push_back("  fix: " + OneLine(run.result.remediation));
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
