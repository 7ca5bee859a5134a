#pragma once
/// A check that inspects several things collects one Finding per problem; the worst one becomes
/// the result's message and remediation, and all of them are listed in details["findings"].

#include <string>
#include <vector>

#include "checks/check.h"

namespace preflight::checks {

struct Finding {
  Status status = Status::kWarn;  ///< kWarn or kFail
  std::string message;            ///< what and why, one line, never a secret
  std::string remediation;        ///< the fix, one imperative sentence
  bool certain = false;           ///< a fail certain to break the agent (Result::certain)
  std::string because;            ///< what makes it certain (Result::certain_because)
};

class Findings {
 public:
  void Warn(std::string message, std::string remediation) {
    list_.push_back({Status::kWarn, std::move(message), std::move(remediation), false, ""});
  }
  /// A failure that does not refuse a hand-off (an inference, history, an unknown).
  void Fail(std::string message, std::string remediation) {
    list_.push_back({Status::kFail, std::move(message), std::move(remediation), false, ""});
  }
  /// A failure certain to break the agent or the claim asked for (Result::CertainFail): `because`
  /// names the agent behaviour or observation; empty makes it a plain Fail.
  void CertainFail(std::string message, std::string remediation, std::string because) {
    const bool certain = !because.empty();
    list_.push_back(
        {Status::kFail, std::move(message), std::move(remediation), certain, std::move(because)});
  }
  bool empty() const { return list_.empty(); }
  bool HasFail() const {
    for (const auto& f : list_) {
      if (f.status == Status::kFail) return true;
    }
    return false;
  }

  /// The first fail (else the first warn) as the result, the others counted in the message and
  /// listed in details["findings"] as "fail: ..." / "warn: ..." lines. `pass_message` when none.
  Result ToResult(std::string pass_message, Details details) const {
    if (list_.empty()) {
      Result r = Result::Pass(std::move(pass_message));
      r.details = std::move(details);
      return r;
    }
    // The headline is the worst finding: a certain fail, else a fail, else a warning.
    const Finding* worst = &list_.front();
    auto rank = [](const Finding& f) { return f.status != Status::kFail ? 0 : f.certain ? 2 : 1; };
    for (const auto& f : list_) {
      if (rank(f) > rank(*worst)) worst = &f;
    }
    std::string message = worst->message;
    if (list_.size() > 1) {
      // The text report lists the others under the check; JSON in details.findings.
      message += " (and " + std::to_string(list_.size() - 1) + " more finding" +
                 (list_.size() > 2 ? "s" : "") + ")";
    }
    Result r = worst->status == Status::kFail ? Result::Fail(message, worst->remediation)
                                              : Result::Warn(message, worst->remediation);
    r.certain = worst->certain;
    r.certain_because = worst->because;
    r.details = std::move(details);
    Details all = Details::array();
    for (const auto& f : list_) {
      // A sentence ends before the fix starts: "...new node. Fix: Mount...".
      const bool stop = !f.message.empty() && (f.message.back() == '.' || f.message.back() == '!' ||
                                               f.message.back() == '?');
      all.push_back(std::string(StatusName(f.status)) + ": " + f.message + (stop ? "" : ".") +
                    " Fix: " + f.remediation);
    }
    r.details["findings"] = std::move(all);
    return r;
  }

 private:
  std::vector<Finding> list_;
};

}  // namespace preflight::checks
