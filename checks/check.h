#pragma once
/// The check vocabulary: what a check is (CheckDef), what it returns (Result), and what it
/// is given (Context). A check reads the world only through ctx.sys.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "checks/inputs.h"
#include "container/system.h"

namespace preflight::checks {

/// pass / warn / fail: the environment is right / suspicious / wrong.
/// skip: the check does not apply here (the message says why).
/// error: the check could not evaluate (the message says what broke).
enum class Status { kPass, kWarn, kFail, kSkip, kError };

/// "pass", "warn", "fail", "skip", "error".
std::string_view StatusName(Status status);

/// Ordered JSON object: key order is kept in the report.
using Details = nlohmann::ordered_json;

struct Result {
  Status status = Status::kSkip;
  /// One line: what was found. Never contains the claim token.
  std::string message;
  /// One imperative sentence naming what to change; required for warn and fail.
  std::string remediation;
  Details details = Details::object();
  /// Seed section (anchor) this result serves, when it differs from the check's default
  /// (e.g. a network failure of a node that was connected before).
  std::string section;
  /// Optional expected_node_state this failure implies (see verdict.h); empty = derive.
  std::string node_state;
  double duration_ms = 0;

  static Result Pass(std::string message);
  static Result Warn(std::string message, std::string remediation);
  static Result Fail(std::string message, std::string remediation);
  static Result Skip(std::string reason);
  static Result Error(std::string message);
};

class Context;

/// Offline checks read local state only; online ones (network.*, cloud.*) talk to the
/// network or the running agent and are skipped by --offline.
enum class Kind { kOffline, kOnline };

/// One check of the catalog. Each lives in its own file under checks/.
struct CheckDef {
  std::string_view id;       ///< stable id, e.g. "claim.token"
  std::string_view title;    ///< a few words
  std::string_view section;  ///< anchor of the seed section it serves (sections.h)
  Kind kind = Kind::kOffline;
  /// Ids whose failure makes this check meaningless: it is then skipped naming them.
  std::vector<std::string_view> needs;
  Result (*run)(Context& ctx) = nullptr;
  /// What it establishes and why it matters (for `explain`).
  std::string_view why;
  /// False while the check is a placeholder; `list` and the report say so.
  bool implemented = true;
};

/// What a running check is given.
class Context {
 public:
  Context(container::System& sys, const Inputs& inputs) : sys(sys), in(inputs) {}

  container::System& sys;
  const Inputs& in;
  /// When this check must have returned (steady clock); network work must respect it.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

  /// The result of a check that already ran in this run, or nullptr.
  const Result* Earlier(std::string_view id) const;
  /// Used by the runner to record results as they come.
  void Record(std::string_view id, const Result& result);

 private:
  std::vector<std::pair<std::string, Result>> earlier_;
};

}  // namespace preflight::checks
