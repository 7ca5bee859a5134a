#include "cmd/supervise.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>

#include "checks/agent_target.h"
#include "checks/claim_settings.h"
#include "checks/runner.h"
#include "checks/wait_for_cloud.h"
#include "cmd/cli_common.h"
#include "cmd/commands.h"
#include "cmd/exit_codes.h"
#include "cmd/report_text.h"
#include "container/agent/agent_client.h"
#include "container/base/log.h"
#include "container/base/redact.h"
#include "container/base/unique_fd.h"
#include "container/host/container_env.h"
#include "container/process/inherited_signals.h"
#include "container/process/resident.h"
#include "container/process/supervisor.h"
#include "container/real_system.h"
#include "container/state/owner_lease.h"
#include "container/state/owner_lock.h"
#include "container/state/run_records.h"

namespace preflight::cmd {
namespace {

namespace process = container::process;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kTick{1000};
// How long the program must live before its start is written on its own (see RunSupervision).
constexpr milliseconds kWriteStartAfter{100};
constexpr milliseconds kLinkPollEvery{2000};
constexpr milliseconds kLinkPollTimeout{1500};
constexpr milliseconds kDiagnoseEvery{60000};
constexpr milliseconds kHelperSlack{5000};  // past its own deadline a helper is killed
constexpr size_t kMaxDiagnosis = 3500;

int64_t NowMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Loads the records, lets `change` edit this run's record and stores it. A record not on disk
// is made from `start` when known (a start not written yet), else from what is known (e.g. after
// a corrupt file was set aside). Logged, never fatal.
void UpdateRecord(container::System& sys, const RunOptions& opts, int64_t start_ms,
                  const container::RunRecord* start,
                  const std::function<void(container::RunRecord&)>& change) {
  const auto& var_lib = opts.common.inputs.var_lib;
  container::RunRecord record;
  record.start_ms = start_ms;
  record.pid = ::getpid();
  record.mode = "supervise";
  bool found = false;
  for (const auto& r : container::LoadRunRecords(sys, var_lib, /*set_aside=*/false).records) {
    if (r.SameRun(record)) {
      record = r;
      found = true;
    }
  }
  if (!found && start != nullptr) {
    record = *start;
  } else if (!found) {
    record.container_id = container::ReadContainerEnv(sys).container_id;
    record.boot_id = container::ReadBootId(sys);
  }
  change(record);
  std::string problem;
  auto stored = container::StoreRunRecord(sys, var_lib, record, &problem);
  if (!problem.empty()) log::Warn("run records: " + problem);
  if (!stored.ok() && stored.error().code != ENOENT)
    log::Warn("cannot record this run: " + stored.error().message);
}

/// A helper child the loop is waiting for.
struct Helper {
  int pid = 0;
  Clock::time_point kill_at;
  bool running() const { return pid > 0; }
};

void ReExecLean(int child, int64_t start_ms);

// The start of the run on disk (runs.json's start record, the owner lease): when the program
// has lived kWriteStartAfter, in one batch sharing the directory's fsync, while it runs (it
// never waits for them). A program that ends sooner has its whole run (start and end) written in
// ONE batch at its end, and no lease: a lease it never held needs no release. A /bin/true pays
// 2 fsyncs instead of 6. Every run still ends with its record durable before we exit. What the
// delay costs: a SIGKILL of the supervisor (docker kill, an OOM kill) in those 100 ms leaves no
// trace of this run (no start record, so the next start cannot say it was killed) and the
// lease as it was; a SIGTERM in them is forwarded and the whole run is written as usual.
class RunSupervision final : public process::SupervisorEvents {
 public:
  /// `start`: `run`'s start writes, done once the program lived kWriteStartAfter (or with its
  /// end); null in the lean supervisor, which found them done.
  RunSupervision(const RunOptions& opts, int64_t start_ms, const StartWrites* start)
      : opts_(opts),
        start_ms_(start_ms),
        // From the run's start, also in the lean supervisor exec'd a second later.
        started_(Clock::now() - milliseconds(std::max<int64_t>(0, NowMs() - start_ms))),
        start_(start) {}

  void OnStarted(int /*pid*/) override { next_diagnosis_ = started_ + opts_.link_timeout_ms; }

  // The program lives on: its start now, as durably as ever (a record may follow its start).
  void OnLived(int /*pid*/) override { WriteStart(); }

  // The program outlived the first second: the supervisor that stays is the lean one.
  void OnSettled(int pid) override {
    WriteStart();  // the exec would drop what is kept
    ReExecLean(pid, start_ms_);
  }

  void OnTick() override {
    const auto now = Clock::now();
    KillOverdue(link_helper_, now);
    KillOverdue(diagnosis_helper_, now);
    KillOverdue(record_helper_, now);
    KillOverdue(lease_helper_, now);
    // The identity lease lives as long as the agent does, link or no link.
    if (!lease_helper_.running() && now >= next_lease_refresh_) StartLeaseRefresh(now);
    if (link_online_s_) return;
    if (!link_helper_.running() && now >= next_link_poll_) StartLinkPoll(now);
    if (!diagnosis_helper_.running() && now >= next_diagnosis_) StartDiagnosis(now);
  }

  void OnReaped(int pid, int wait_status) override {
    const bool exited_ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
    if (pid == link_helper_.pid) {
      link_helper_.pid = 0;
      if (exited_ok && !link_online_s_) LinkCameUp();
    } else if (pid == diagnosis_helper_.pid) {
      diagnosis_helper_.pid = 0;
      if (exited_ok) last_diagnosis_ = ReadAll(diagnosis_pipe_.get());
      diagnosis_pipe_.Reset();
    } else if (pid == record_helper_.pid) {
      record_helper_.pid = 0;
    } else if (pid == lease_helper_.pid) {
      lease_helper_.pid = 0;
      // The helper exits with its errno (0: written): the next one logs only a change.
      if (WIFEXITED(wait_status)) lease_errno_ = WEXITSTATUS(wait_status);
    }
  }

  void OnProgramExited(int wait_status) override { program_status_ = wait_status; }

  /// After Supervise returned (no helper is left): the end of the run, in runs.json; with its
  /// start, in the same batch, when the program ended before kWriteStartAfter.
  void RecordEnd() {
    // The start not written yet: the start record kept there is replaced by the whole run.
    // Otherwise a System of our own (the environment parsed only then).
    std::optional<container::RealSystem> fresh;
    if (start_ == nullptr) fresh.emplace(environ);
    container::System& sys = start_ != nullptr ? start_->sys : *fresh;
    // The lease and the record share their directory's fsync, unless the heartbeat already
    // found the volume unwritable (its one warning said so; each write fails on its own).
    if (lease_errno_ == 0) sys.DeferWrites();
    // Let go of the identity: the container that replaces this one takes it over at once.
    // Read from disk: with the start unwritten, only a lease of ours from an earlier run of this
    // container (killed) is released; ours of this run was never written.
    if (auto s = container::ReleaseOwnerLease(sys, opts_.common.inputs.var_lib);
        !s.ok() && s.error().code != lease_errno_ && s.error().code != ENOENT) {
      log::Warn("owner lease: " + s.error().message);
    }
    const bool claimed = checks::ReadClaimedId(sys, opts_.common.inputs).found;
    UpdateRecord(sys, opts_, start_ms_, start_ != nullptr ? &start_->record : nullptr,
                 [&](container::RunRecord& r) {
                   r.end_ms = NowMs();
                   if (program_status_) {
                     r.exit_code = process::ExitCodeFromWaitStatus(*program_status_);
                     if (WIFSIGNALED(*program_status_)) r.signal = WTERMSIG(*program_status_);
                   }
                   r.claimed_at_end = claimed;
                   if (link_online_s_) r.link_online_s = *link_online_s_;
                 });
    sys.FlushWrites();
    start_ = nullptr;
  }

 private:
  void WriteStart() {
    if (start_ == nullptr) return;
    if (start_->take_lease) start_->take_lease();
    start_->sys.FlushWrites();
    start_ = nullptr;
  }

  static void KillOverdue(Helper& h, Clock::time_point now) {
    if (h.running() && now >= h.kill_at) ::kill(h.pid, SIGKILL);  // reaped by the loop
  }

  double SecondsSinceStart() const { return static_cast<double>(NowMs() - start_ms_) / 1000.0; }

  // The link watch: one bounded Aclk call in a child, so that signals are never delayed.
  void StartLinkPoll(Clock::time_point now) {
    next_link_poll_ = now + kLinkPollEvery;
    const auto target = checks::AgentTargetFrom(opts_.common.inputs);
    auto pid = process::ForkHelper([&target] {
      container::RealSystem sys(environ);
      auto state = sys.Agent().Aclk(target, container::DeadlineIn(kLinkPollTimeout));
      return state.ok() && state->online.value_or(false) ? 0 : 1;
    });
    if (!pid.ok()) {
      log::Debug("link watch: " + pid.error().message);
      return;
    }
    link_helper_ = {*pid, now + kLinkPollTimeout + kHelperSlack};
  }

  // The owner lease heartbeat (container.identity), written by a child like the records.
  void StartLeaseRefresh(Clock::time_point now) {
    next_lease_refresh_ = now + container::kLeaseHeartbeatInterval;
    // The lock proves this supervisor alive to a container that would take the identity over;
    // taken once (a second live supervisor of the same volume cannot have it).
    if (owner_lock_.get() < 0 && !owner_lock_tried_) {
      owner_lock_tried_ = true;
      if (auto fd = container::HoldOwnerLock(opts_.common.inputs.var_lib); fd.ok()) {
        owner_lock_ = std::move(*fd);
      } else {
        log::Debug("owner lock: " + fd.error().message);
      }
    }
    auto pid = process::ForkHelper([this] {
      container::RealSystem sys(environ);
      auto s =
          container::RefreshOwnerLease(sys, opts_.common.inputs.var_lib, owner_lock_.get() >= 0);
      const int code =
          s.ok() ? 0 : (s.error().code > 0 && s.error().code < 256 ? s.error().code : 255);
      // Said once, and again only when it changes, never every heartbeat: another live holder
      // (the clone container.identity reported), a read-only volume. A var-lib that does not
      // exist has nothing to hold (container.volume said so at start).
      if (code != lease_errno_) {
        if (!s.ok() && code != ENOENT) log::Warn("owner lease: " + s.error().message);
        if (s.ok() && lease_errno_ != 0 && lease_errno_ != ENOENT)
          log::Info("owner lease: written again");
      }
      return code;
    });
    if (pid.ok()) lease_helper_ = {*pid, now + seconds(10)};
  }

  void LinkCameUp() {
    link_online_s_ = SecondsSinceStart();
    char text[160];
    std::snprintf(text, sizeof text, "the agent's link to Netdata Cloud came up %.1f s after start",
                  *link_online_s_);
    if (!last_diagnosis_.empty()) {
      Stderr(std::string("netdata-preflight: ") + text + "\n");
    } else {
      log::Info(text);
    }
    // The record is written by a child too: the supervisor itself stays small.
    const double online = *link_online_s_;
    auto pid = process::ForkHelper([this, online] {
      container::RealSystem sys(environ);
      UpdateRecord(sys, opts_, start_ms_, nullptr,
                   [online](container::RunRecord& r) { r.link_online_s = online; });
      return 0;
    });
    if (pid.ok()) record_helper_ = {*pid, Clock::now() + seconds(10)};
  }

  // The link is late: run the network checks (and cloud.link) in a child that logs their
  // diagnosis when it differs from the last one and hands it back through a pipe.
  void StartDiagnosis(Clock::time_point now) {
    next_diagnosis_ = now + kDiagnoseEvery;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
    container::UniqueFd read_end(fds[0]);
    container::UniqueFd write_end(fds[1]);
    const double late = SecondsSinceStart();
    auto pid = process::ForkHelper([&] {
      read_end.Reset();
      return Diagnose(write_end.get(), late);
    });
    if (!pid.ok()) return;
    diagnosis_pipe_ = std::move(read_end);
    diagnosis_helper_ = {*pid, now + opts_.common.inputs.deadline + kHelperSlack};
  }

  int Diagnose(int out_fd, double late) const {
    container::RealSystem sys(environ);
    // claim.token first (local, cheap): the verdict must know whether Cloud is wanted at all,
    // or it blames the network for a node that was never meant to appear.
    std::vector<const checks::CheckDef*> list = {&checks::kClaimToken};
    for (const auto* def : checks::NetworkChecks(opts_.common.selection)) list.push_back(def);
    if (checks::IsSelected(checks::kCloudLink, opts_.common.selection))
      list.push_back(&checks::kCloudLink);
    // After the hand-off the agent runs: cloud.link asks it (hands_off is for before).
    checks::Inputs inputs = opts_.common.inputs;
    inputs.hands_off = false;
    checks::World world(sys, inputs);
    const auto secrets = CollectSecrets(world);
    checks::Report report = checks::RunChecks(world, inputs, checks::Selection{}, list);
    const std::string diagnosis = Redact(RenderSummary(report, kMaxDiagnosis), secrets);
    if (diagnosis != last_diagnosis_) {
      char head[200];
      std::snprintf(
          head, sizeof head,
          "netdata-preflight: the agent's link to Netdata Cloud is not up %.0f s after start "
          "(--link-timeout); the agent keeps running. Diagnosis:\n",
          late);
      Stderr(head + diagnosis);
    }
    // At most kMaxDiagnosis bytes: far below the pipe's capacity, so this never blocks.
    return ::write(out_fd, diagnosis.data(), diagnosis.size()) ==
                   static_cast<ssize_t>(diagnosis.size())
               ? 0
               : 1;
  }

  static std::string ReadAll(int fd) {
    std::string out;
    char buf[1024];
    ssize_t n;
    while (fd >= 0 && (n = ::read(fd, buf, sizeof buf)) > 0)
      out.append(buf, static_cast<size_t>(n));
    return out;
  }

  const RunOptions& opts_;
  const int64_t start_ms_;
  const Clock::time_point started_;
  const StartWrites* start_;  // not written yet
  Clock::time_point next_link_poll_{};
  Clock::time_point next_diagnosis_{};
  Clock::time_point next_lease_refresh_{};  // epoch: the first tick refreshes at once
  int lease_errno_ = 0;                     // of the last heartbeat (0: written)
  container::UniqueFd owner_lock_;          // held for the supervisor's life (owner_lock.h)
  bool owner_lock_tried_ = false;
  Helper link_helper_, diagnosis_helper_, record_helper_, lease_helper_;
  container::UniqueFd diagnosis_pipe_;
  std::string last_diagnosis_;
  std::optional<double> link_online_s_;
  std::optional<int> program_status_;
};

int Supervise(const RunOptions& opts, int64_t start_ms, int adopt, const StartWrites* start) {
  process::SupervisorOptions so;
  so.argv = opts.command;
  so.grace = opts.grace_ms;
  so.signal_group = opts.signal_group;
  so.tick = kTick;
  so.lived = kWriteStartAfter;
  so.adopt = adopt;
  RunSupervision events(opts, start_ms, start);
  auto code = process::Supervise(so, events);
  if (!code.ok() && adopt > 0) {
    // The program runs already: never bail. Wait for it, as the least a PID 1 must do.
    log::Warn("supervisor: " + code.error().message + "; only waiting for the program");
    int status = 0;
    while (::waitpid(adopt, &status, 0) < 0 && errno == EINTR) {
    }
    events.OnProgramExited(status);
    events.RecordEnd();
    return process::ExitCodeFromWaitStatus(status);
  }
  if (!code.ok()) {
    // Nothing was started: the one case where the supervisor's own error is the exit.
    Stderr("netdata-preflight: cannot start `" + opts.command.front() +
           "`: " + code.error().message + "\n");
    return kExitInternal;
  }
  events.RecordEnd();
  return *code;
}

// This process's own arguments, from /proc/self/cmdline (main() keeps no copy of argv).
std::vector<std::string> OwnArguments() {
  std::vector<std::string> args;
  container::UniqueFd fd(::open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC));
  if (!fd) return args;
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    args.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

// `run ARGS` becomes `__supervise START_MS:PID:MASK ARGS`: the same image, started afresh, so
// that what stays resident has touched none of the check machinery. Every signal is blocked
// (the supervisor's signalfd) and stays blocked and pending across the exec; the program,
// our child, stays our child. Returns only when the exec failed: supervising goes on here.
void ReExecLean(int child, int64_t start_ms) {
  std::vector<std::string> args = OwnArguments();
  if (args.size() < 2 || args[1] != "run") return;
  char state[80];
  std::snprintf(state, sizeof state, "%lld:%d:%llx", static_cast<long long>(start_ms), child,
                static_cast<unsigned long long>(process::MaskBits(process::InheritedMask())));
  args[1] = kLeanSupervisor;
  args.insert(args.begin() + 2, state);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stderr);
  process::RestoreInheritedIgnores();  // the lean image's helpers inherit them
  ::execv("/proc/self/exe", argv.data());
  log::Debug(std::string("re-exec into the lean supervisor: ") + std::strerror(errno) +
             "; supervising in this process");
}

// What `ps` and `docker top` show: `netdata-preflight run ARGS` as started, not the internal
// `exe __supervise STATE ARGS`. The arguments are rewritten in place (the kernel shows that
// memory as /proc/self/cmdline), the name (comm) set from argv[0] as the first exec set it.
void ShowAsRun(int argc, char** argv) {
  const char* base = std::strrchr(argv[0], '/');
  ::prctl(PR_SET_NAME, base != nullptr ? base + 1 : argv[0]);
  for (int i = 1; i < argc; ++i) {
    if (argv[i] != argv[i - 1] + std::strlen(argv[i - 1]) + 1) return;  // not one block
  }
  char* const area = argv[0];
  const size_t size = static_cast<size_t>(argv[argc - 1] + std::strlen(argv[argc - 1]) + 1 - area);
  std::string shown(argv[0], std::strlen(argv[0]) + 1);
  shown.append("run", 4);
  for (int i = 3; i < argc; ++i) shown.append(argv[i], std::strlen(argv[i]) + 1);
  if (shown.size() > size) return;
  std::memcpy(area, shown.data(), shown.size());
  std::memset(area + shown.size(), 0, size - shown.size());
}

}  // namespace

int HandOffSupervised(const RunOptions& opts, const StartWrites& start) {
  return Supervise(opts, start.record.start_ms, /*adopt=*/0, &start);
}

int LeanSuperviseMain(int argc, char** argv) {
  log::Init("");
  long long start_ms = 0;
  int child = 0;
  unsigned long long mask = 0;
  int used = 0;
  if (argc < 3 || std::sscanf(argv[2], "%lld:%d:%llx%n", &start_ms, &child, &mask, &used) != 3 ||
      argv[2][used] != '\0' || child <= 0) {
    return UsageError("__supervise is internal to `run --supervise`");
  }
  // Only the image `run` exec'd has the program as its child.
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WSTOPPED | WNOHANG | WNOWAIT) !=
      0) {
    return UsageError("__supervise is internal to `run --supervise`");
  }
  process::SetInheritedMask(process::MaskFromBits(mask));
  std::vector<std::string> args(argv + 3, argv + argc);
  ShowAsRun(argc, argv);  // argv is not read after this
  RunOptions opts;
  std::vector<std::string> remaining;
  {
    // Parsed the way `run` parsed it (flags and PREFLIGHT_* alike); the parser is freed
    // before the loop.
    CLI::App app{"netdata-preflight __supervise"};
    AddRunOptions(&app, opts);
    std::reverse(args.begin(), args.end());
    try {
      app.parse(args);
      remaining = app.remaining();
    } catch (const CLI::ParseError& e) {
      // `run` parsed the very same: cannot happen; the program runs, so go on regardless.
      log::Warn(std::string("supervisor: ") + e.what());
    }
  }
  if (auto s = FinishRun(opts, std::move(remaining)); !s.ok())
    log::Warn("supervisor: " + s.error().message);
  // What start-up faulted in is not what the loop runs: give the clean pages back.
  process::DropCleanExecutablePages();
  return Supervise(opts, start_ms, child, nullptr);
}

}  // namespace preflight::cmd
