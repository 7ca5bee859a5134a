#include "container/parse/proc_status.h"

namespace preflight::container {
namespace {

/// A small non-negative decimal after optional blanks; -1 when it is not one.
int ParseSmall(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
    value.remove_suffix(1);
  }
  if (value.empty() || value.size() > 9) return -1;
  int n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

ProcStatus ParseProcStatus(std::string_view text) {
  ProcStatus status;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    int value = ParseSmall(line.substr(colon + 1));
    if (key == "Seccomp") {
      status.seccomp = value;
    } else if (key == "Seccomp_filters") {
      status.seccomp_filters = value;
    } else if (key == "NoNewPrivs") {
      status.no_new_privs = value;
    } else if (key == "Uid") {
      // "Uid:\treal\teffective\tsaved\tfs": the effective one decides what it may open.
      std::string_view ids = line.substr(colon + 1);
      auto first = ids.find_first_not_of(" \t");
      auto gap = first == std::string_view::npos ? first : ids.find_first_of(" \t", first);
      auto second = gap == std::string_view::npos ? gap : ids.find_first_not_of(" \t", gap);
      if (second != std::string_view::npos) {
        status.euid = ParseSmall(ids.substr(second, ids.find_first_of(" \t", second) - second));
      }
    }
  }
  return status;
}

std::string_view SeccompModeName(int mode) {
  switch (mode) {
    case 0:
      return "disabled";
    case 1:
      return "strict";
    case 2:
      return "filter";
    default:
      return "unknown";
  }
}

}  // namespace preflight::container
