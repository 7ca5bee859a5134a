#pragma once
/// The check vocabulary: what a check is (CheckDef), what it returns (Result), and what it
/// is given (Context). A check reads the world only through ctx.sys.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/agent_model.h"
#include "checks/agent_user.h"
#include "checks/claim_settings.h"
#include "checks/inputs.h"
#include "checks/world.h"
#include "container/host/container_env.h"
#include "container/state/known_agent.h"
#include "container/state/owner_lease.h"
#include "container/state/run_records.h"
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
  /// A fail that is certain to stop what the user asked for (the agent running; the claim when
  /// a token is given; the link of a claimed node) for the agent detected in the image. Only
  /// these refuse the hand-off of `run` and `check --gate` (cmd/gate.h); a fail that rests on
  /// an inference, on history or on an unknown leaves it false and is reported only.
  bool certain = false;
  /// For a certain fail: the agent versions and source (agent_model.h Because()) or the
  /// observation that make it certain; the report keeps it in details.certain_because.
  std::string certain_because;
  double duration_ms = 0;

  static Result Pass(std::string message);
  static Result Warn(std::string message, std::string remediation);
  /// A failure for `check`'s strict exit status that does not refuse a hand-off.
  static Result Fail(std::string message, std::string remediation);
  /// A failure certain to break the agent or the claim asked for: refuses the hand-off.
  /// `because` names what makes it certain (Because(behaviour), or "observed: ..."); a
  /// certainty that cannot name its reason is a plain Fail.
  static Result CertainFail(std::string message, std::string remediation, std::string because);
  static Result Skip(std::string reason);
  static Result Error(std::string message);

  /// This result with `d` as its details, in one expression:
  /// `return Result::Skip("why").With(details);`.
  Result With(Details d) && {
    details = std::move(d);
    return std::move(*this);
  }
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

/// What a running check is given: the world of this run (World, read once and shared by
/// every round) and this round's inputs, deadline and earlier results.
class Context {
 public:
  /// A round of checks over `world`; `inputs` may differ from world.in only in what no fact
  /// of the world depends on (a round's --deadline).
  Context(World& world, const Inputs& inputs) : sys(world.sys), in(inputs), world_(&world) {}
  /// A run of its own (tests, one-off rounds): its world is read anew.
  Context(container::System& sys, const Inputs& inputs)
      : sys(sys), in(inputs), own_(std::make_unique<World>(sys, inputs)), world_(own_.get()) {}
  /// `in` is kept by reference: a temporary would dangle (ASan found one in a test).
  Context(container::System& sys, Inputs&& inputs) = delete;
  Context(World& world, Inputs&& inputs) = delete;

  container::System& sys;
  const Inputs& in;
  /// When this check must have returned (steady clock); network work must respect it.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

  /// The result of a check that already ran in this round, or nullptr.
  const Result* Earlier(std::string_view id) const;
  /// Used by the runner to record results as they come.
  void Record(std::string_view id, const Result& result);

  /// Facts several checks read (World: read once per run, on first use).
  const ClaimSettings& Claim() { return world_->Claim(); }
  const ClaimedId& Claimed() { return world_->Claimed(); }
  /// The operator asked for Netdata Cloud: claiming is configured, or the node was claimed.
  /// What keeps an agent out of Cloud fails only then; otherwise it monitors locally as asked.
  bool CloudWanted() { return Claim().Wanted() || Claimed().found; }
  /// What keeps the agent out of Netdata Cloud (`message`, fixed by `remediation`): a failure
  /// when CloudWanted(), else a warning that says the agent monitors locally.
  /// `certain`: the fact is observed (e.g. a build without Cloud), so with Cloud wanted the
  /// failure refuses the hand-off (Result::certain).
  Result KeptOutOfCloud(const std::string& message, const std::string& remediation,
                        const std::string& certain_because = "");
  const container::MountTable& Mounts() { return world_->Mounts(); }
  const container::ContainerEnv& Container() { return world_->Container(); }
  /// Container() if a check asked for it, else nullopt (nothing is read).
  const std::optional<container::ContainerEnv>& ContainerIfRead() const {
    return world_->ContainerIfRead();
  }
  const AgentUser& User() { return world_->User(); }
  const std::optional<container::RunningProcess>& RunningAgent() { return world_->RunningAgent(); }
  const container::LoadedRuns& Runs() { return world_->Runs(); }

  /// What the behaviour model is asked about: the version agent.version found (unknown when
  /// it did not run or found none).
  AgentFacts Agent() const;

  /// What agent.version learnt of the agent binary; `run` keeps it in its record.
  std::optional<container::KnownAgent> agent;

  /// The owner lease container.identity would take for this hand-off; the command writes it
  /// only once its gate lets the agent start (a refused start never holds the identity).
  std::optional<container::OwnerLease> lease_to_take;

 private:
  std::vector<std::pair<std::string, Result>> earlier_;
  std::unique_ptr<World> own_;  // declared before world_: it may point into it
  World* world_;
};

}  // namespace preflight::checks
