#include "checks/check.h"

#include "container/agent/agent_version.h"

namespace preflight::checks {

std::string_view StatusName(Status status) {
  switch (status) {
    case Status::kPass:
      return "pass";
    case Status::kWarn:
      return "warn";
    case Status::kFail:
      return "fail";
    case Status::kSkip:
      return "skip";
    case Status::kError:
      return "error";
  }
  return "error";
}

Result Result::Pass(std::string message) {
  Result r;
  r.status = Status::kPass;
  r.message = std::move(message);
  return r;
}

Result Result::Warn(std::string message, std::string remediation) {
  Result r;
  r.status = Status::kWarn;
  r.message = std::move(message);
  r.remediation = std::move(remediation);
  return r;
}

Result Result::Fail(std::string message, std::string remediation) {
  Result r;
  r.status = Status::kFail;
  r.message = std::move(message);
  r.remediation = std::move(remediation);
  return r;
}

Result Result::CertainFail(std::string message, std::string remediation, std::string because) {
  Result r = Fail(std::move(message), std::move(remediation));
  r.certain = !because.empty();
  r.certain_because = std::move(because);
  return r;
}

Result Result::Skip(std::string reason) {
  Result r;
  r.status = Status::kSkip;
  r.message = std::move(reason);
  return r;
}

Result Result::Error(std::string message) {
  Result r;
  r.status = Status::kError;
  r.message = std::move(message);
  return r;
}

const Result* Context::Earlier(std::string_view id) const {
  for (const auto& [earlier_id, result] : earlier_) {
    if (earlier_id == id) return &result;
  }
  return nullptr;
}

void Context::Record(std::string_view id, const Result& result) {
  earlier_.emplace_back(std::string(id), result);
}

Result Context::KeptOutOfCloud(const std::string& message, const std::string& remediation,
                               const std::string& certain_because) {
  if (CloudWanted()) return Result::CertainFail(message, remediation, certain_because);
  return Result::Warn(
      message + "; claiming is not configured and the node is not claimed, so it monitors locally",
      "If this node is to appear in Netdata Cloud: " + remediation);
}

AgentFacts Context::Agent() const {
  const Result* r = Earlier("agent.version");
  if (r == nullptr || !r->details.is_object()) return AgentFacts::Unknown();
  auto it = r->details.find("version");
  if (it == r->details.end() || !it->is_string()) return AgentFacts::Unknown();
  auto version = container::ParseAgentVersion(it->get<std::string>());
  return version.ok() ? AgentFacts::Of(*version) : AgentFacts::Unknown();
}

}  // namespace preflight::checks
