#include "container/agent/claim_script.h"

#include <string>

#include "container/parse/ini.h"

namespace preflight::container {
namespace {

/// Evaluates a templated `if [ "A" = "B" ]` / `if [ "A" != "B" ]` line; false when the line
/// is not that shape (a shell variable test is not a build-time constant).
bool ConstantTestIsTrue(std::string_view line) {
  line = TrimSpace(line);
  if (line.rfind("if [ \"", 0) != 0) return false;
  line.remove_prefix(6);
  auto q1 = line.find('"');
  if (q1 == std::string_view::npos) return false;
  std::string_view a = line.substr(0, q1);
  line.remove_prefix(q1 + 1);
  bool negate;
  if (line.rfind(" = \"", 0) == 0) {
    negate = false;
    line.remove_prefix(4);
  } else if (line.rfind(" != \"", 0) == 0) {
    negate = true;
    line.remove_prefix(5);
  } else {
    return false;
  }
  auto q2 = line.find('"');
  if (q2 == std::string_view::npos) return false;
  std::string_view b = line.substr(0, q2);
  if (a.find('$') != std::string_view::npos || b.find('$') != std::string_view::npos) return false;
  return (a == b) != negate;
}

}  // namespace

ClaimScriptFacts ParseClaimScript(std::string_view text) {
  ClaimScriptFacts facts;
  facts.looks_like_claim_script = text.find("cloud.d") != std::string_view::npos ||
                                  text.find("claim.conf") != std::string_view::npos ||
                                  text.find("-token=") != std::string_view::npos;
  facts.v2_wrapper = text.find("%%NEW_CLAIMING_METHOD%%") != std::string_view::npos;
  // Walk the lines, remembering the last `if` line: the refusal message follows it.
  std::string_view last_if;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = TrimSpace(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.rfind("if ", 0) == 0) {
      last_if = line;
      continue;
    }
    if (line.rfind("echo", 0) != 0) continue;
    if (line.find("--disable-cloud and cannot be claimed") != std::string_view::npos &&
        ConstantTestIsTrue(last_if)) {
      facts.disabled_cloud = true;
    }
    if (line.find("without the dependencies for Cloud") != std::string_view::npos &&
        ConstantTestIsTrue(last_if)) {
      facts.missing_cloud_deps = true;
    }
  }
  return facts;
}

}  // namespace preflight::container
