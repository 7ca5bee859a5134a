// `netdata-preflight serve`: the sidecar. One thread, one event loop (evhttp): /healthz,
// /readyz, /report, /metrics. The checks run every --interval in a `check` child (so that
// a slow network check never stalls the loop); the agent is probed every few seconds;
// requests are answered from those cached results.
#include <sys/resource.h>
#include <sys/wait.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <utility>

#include "checks/agent_target.h"
#include "cmd/cli_common.h"
#include "cmd/commands.h"
#include "cmd/duration.h"
#include "cmd/exit_codes.h"
#include "cmd/probe_state.h"
#include "cmd/report_prometheus.h"
#include "cmd/version.h"
#include "container/base/log.h"
#include "container/base/redact.h"
#include "container/process/child_output.h"
#include "container/server/http_server.h"
#include "container/system.h"

namespace preflight::cmd {
namespace {

using Clock = std::chrono::steady_clock;
using container::HttpServer;

constexpr auto kProbeEvery = std::chrono::seconds(5);
constexpr auto kProbeTimeout = std::chrono::milliseconds(500);  // the loop waits for it
constexpr size_t kMaxReport = 4 << 20;

struct ServeOptions {
  CommonOptions common;
  std::string listen = "127.0.0.1:19998";
  std::string interval = "60s";
  std::string require = "running";
};

/// One line on stderr whatever the log level: what an operator of the sidecar must see.
void Announce(const std::string& text) {
  std::string line = "netdata-preflight: " + EscapeControl(Redact(text)) + "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

/// The flags that make a `check` child run what this sidecar was asked to run.
std::vector<std::string> CheckArgv(const CommonOptions& c) {
  const checks::Inputs& in = c.inputs;
  std::vector<std::string> a = {
      "/proc/self/exe", "check", "--format",   "json",
      "--fail-on",      "never", "--output=-", "--termination-log=/dev/null"};
  auto add = [&a](const char* flag, const std::string& v) {
    if (!v.empty()) a.push_back(std::string(flag) + "=" + v);
  };
  for (const auto& id : c.selection.only) add("--only", id);
  for (const auto& id : c.selection.skip) add("--skip", id);
  if (c.selection.offline) a.push_back("--offline");
  add("--var-lib", in.var_lib);
  add("--config-dir", in.config_dir);
  add("--cache-dir", in.cache_dir);
  add("--agent", in.agent);
  add("--api", in.api);
  add("--cli-socket", in.cli_socket);
  add("--cloud-url", in.cloud_url);
  for (const auto& r : in.resolve) add("--resolve", r);
  add("--ca-file", in.ca_file);
  add("--deadline", c.deadline);
  add("--log-level", c.log_level);
  return a;
}

/// Everything the sidecar knows; the handlers only read it.
class Sidecar {
 public:
  Sidecar(container::System& sys, const ServeOptions& opts, Requirement need,
          std::chrono::milliseconds interval)
      : sys_(sys),
        opts_(opts),
        need_(need),
        interval_(interval),
        target_(checks::AgentTargetFrom(opts.common.inputs)) {}

  // A check run still going when the sidecar stops is not left behind.
  ~Sidecar() {
    if (child_.pid > 0) container::ReapChild(child_, /*kill_first=*/true);
  }
  Sidecar(const Sidecar&) = delete;
  Sidecar& operator=(const Sidecar&) = delete;

  HttpServer::Response Handle(const HttpServer::Request& req) {
    HttpServer::Response r;
    if (req.path == "/healthz") {
      r.body = "ok\n";
    } else if (req.path == "/readyz") {
      const bool ready = probe_ && Meets(*probe_, need_);
      r.status = ready ? 200 : 503;
      r.body = std::string(ready ? "ready: " : "not ready: ") +
               (probe_ ? probe_->line : "the agent was not probed yet") +
               " (required: " + std::string(RequirementName(need_)) + ")\n";
    } else if (req.path == "/report") {
      if (report_text_.empty()) {
        r.status = 503;
        r.body = "no report yet: the first check run has not finished\n";
      } else {
        r.content_type = "application/json";
        r.body = report_text_;
      }
    } else if (req.path == "/metrics") {
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = Metrics();
    } else {
      r.status = 404;
      r.body = "not found; try /healthz, /readyz, /report or /metrics\n";
    }
    r.body = Redact(std::move(r.body));
    return r;
  }

  void Probe() {
    ProbeAnswer a = ProbeAgent(sys_.Agent(), target_, Requirement::kOnline,
                               container::DeadlineIn(kProbeTimeout));
    if (!a.running) {
      // aclk-state failed: the agent may still answer `ping` (e.g. over a bearer-protected API).
      ProbeAnswer p = ProbeAgent(sys_.Agent(), target_, Requirement::kRunning,
                                 container::DeadlineIn(kProbeTimeout));
      if (p.running) a = p;
    }
    if (a.online == 1) last_online_ = Clock::now();
    if (!probe_ || probe_->line != a.line) log::Info("agent: " + a.line);
    probe_ = std::move(a);
  }

  /// Starts a check run unless one is running; kills one that overran its deadline.
  void MaybeStartChecks(HttpServer& server) {
    if (child_.pid > 0) {
      if (Clock::now() - child_started_ > opts_.common.inputs.deadline + std::chrono::seconds(20)) {
        log::Warn("check run overran its deadline; killed");
        FinishChecks(server, /*kill=*/true);
      }
      return;
    }
    if (ran_once_ && Clock::now() - child_started_ < interval_) return;
    auto child = container::StartChild(CheckArgv(opts_.common));
    if (!child.ok()) {
      log::Warn("cannot start the check run: " + child.error().message);
      ++failed_runs_;
      return;
    }
    ran_once_ = true;
    child_ = std::move(*child);
    child_started_ = Clock::now();
    child_output_.clear();
    server.Watch(child_.out.get(), [this, &server] {
      if (container::DrainChild(child_, child_output_, kMaxReport)) FinishChecks(server, false);
    });
  }

 private:
  void FinishChecks(HttpServer& server, bool kill) {
    server.Unwatch(child_.out.get());
    const int status = container::ReapChild(child_, kill);
    auto doc = nlohmann::ordered_json::parse(child_output_, nullptr, /*allow_exceptions=*/false);
    if (kill || !WIFEXITED(status) || doc.is_discarded() || !doc.is_object()) {
      ++failed_runs_;
      log::Warn("check run gave no report (wait status " + std::to_string(status) + ")");
      return;
    }
    AnnounceVerdictChange(doc);
    report_ = std::move(doc);
    report_text_ = std::move(child_output_);
    last_check_seconds_ = std::chrono::duration<double>(Clock::now() - child_started_).count();
    last_check_at_ = std::chrono::duration<double>(sys_.Now().time_since_epoch()).count();
    child_output_.clear();
  }

  // A change of the verdict is what a person watching the sidecar's log wants to know.
  void AnnounceVerdictChange(const nlohmann::ordered_json& doc) {
    const auto& v = doc.value("verdict", nlohmann::ordered_json::object());
    std::string status = v.value("status", "?");
    for (char& c : status) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::string now = status + " (" + v.value("expected_node_state", "?") + ")";
    if (now == verdict_) return;
    Announce("verdict " + (verdict_.empty() ? "" : "changed from " + verdict_ + " ") + "to " + now +
             ": " + v.value("summary", ""));
    verdict_ = now;
  }

  std::string Metrics() const {
    MetricsSnapshot s;
    s.report = report_text_.empty() ? nullptr : &report_;
    s.link = probe_ ? &*probe_ : nullptr;
    if (last_online_) {
      s.seconds_since_online = std::chrono::duration<double>(Clock::now() - *last_online_).count();
      if (probe_ && probe_->online == 1) s.seconds_since_online = 0;
    }
    s.last_check_seconds = last_check_seconds_;
    s.last_check_timestamp = last_check_at_;
    s.check_runs_failed = failed_runs_;
    s.version = kVersion;
    return RenderPrometheus(s);
  }

  container::System& sys_;
  const ServeOptions& opts_;
  Requirement need_;
  std::chrono::milliseconds interval_;
  container::AgentTarget target_;
  std::optional<ProbeAnswer> probe_;
  std::optional<Clock::time_point> last_online_;
  nlohmann::ordered_json report_;
  std::string report_text_;
  std::optional<double> last_check_seconds_;
  std::optional<double> last_check_at_;
  int failed_runs_ = 0;
  container::Child child_;
  Clock::time_point child_started_;
  std::string child_output_;
  bool ran_once_ = false;
  std::string verdict_;  ///< "status (state)" of the last report, "" before the first
};

// Why the socket could not be made, with the fix, and its exit code: a port in use (73) is not
// an address this host does not have (64), and neither is a bug (70).
std::pair<int, std::string> ListenFailure(const Error& error, const std::string& listen,
                                          const container::ListenAddress& addr) {
  const std::string port = std::to_string(addr.port);
  switch (error.code) {
    case EADDRINUSE:
      return {kExitCannotCreate,
              "--listen " + listen + ": port " + port +
                  " is already in use by another process (`ss -ltnp 'sport = :" + port +
                  "'` names it); pick a free port with --listen, e.g. --listen " + addr.host +
                  ":0 for any"};
    case EADDRNOTAVAIL:
      return {kExitUsage, "--listen " + listen + ": " + addr.host +
                              " is not an address of this host; use one of its own addresses, "
                              "127.0.0.1, or :" +
                              port + " for all"};
    case EACCES:
    case EPERM:
      return {kExitCannotCreate, "--listen " + listen + ": port " + port +
                                     " needs privileges (below 1024: root or "
                                     "CAP_NET_BIND_SERVICE); pick a port from 1024 up"};
    default:
      return {kExitCannotCreate, "--listen " + listen + ": " + error.message};
  }
}

// Many idle scrapers or probes each hold an fd: use the whole hard limit.
void RaiseFdLimit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int RunServe(ServeOptions& opts, container::System& sys, const Preread& pre) {
  if (auto s = FinishCommon(opts.common); !s.ok()) return UsageError(s.error().message);
  auto need = ParseRequirement(opts.require);
  if (!need.ok()) return UsageError(need.error().message);
  auto interval = ParseDuration(opts.interval);
  if (!interval.ok()) return UsageError("--interval: " + interval.error().message);
  if (*interval < std::chrono::seconds(1)) return UsageError("--interval: at least 1s, e.g. 60s");
  auto addr = container::ParseListenAddress(opts.listen);
  if (!addr.ok()) return UsageError(addr.error().message);
  {
    // Its checks run in `check` children, which read the world themselves: only the secrets.
    checks::World world(sys, opts.common.inputs, pre.ClaimFor(opts.common.inputs));
    CollectSecrets(world);
  }
  RaiseFdLimit();
  auto sidecar = std::make_unique<Sidecar>(sys, opts, *need, *interval);
  auto server = HttpServer::Listen(
      *addr, [&sidecar](const HttpServer::Request& r) { return sidecar->Handle(r); });
  if (!server.ok()) {
    auto [code, line] = ListenFailure(server.error(), opts.listen, *addr);
    Announce(line);
    return code;
  }
  HttpServer& srv = **server;
  srv.Every(kProbeEvery, [&sidecar] { sidecar->Probe(); });
  srv.Every(std::chrono::seconds(1), [&sidecar, &srv] { sidecar->MaybeStartChecks(srv); });
  // Always said, whatever the log level: with --listen :0 this is how the port is known.
  Announce("serving on " + srv.address() + " (/healthz /readyz /report /metrics)");
  const int sig = srv.Run();
  log::Info("stopped by signal " + std::to_string(sig));
  return kExitOk;
}

}  // namespace

Command SetupServe(CLI::App& root) {
  auto opts = std::make_shared<ServeOptions>();
  CLI::App* app = root.add_subcommand(
      "serve", "Sidecar: periodic checks, HTTP /healthz /readyz /report /metrics");
  AddSelectionOptions(app, opts->common);
  AddInputOptions(app, opts->common);
  app->footer(
      "Examples:\n"
      "  netdata-preflight serve                          (127.0.0.1:19998)\n"
      "  netdata-preflight serve --listen :0 --interval 5m  (any free port: the log names it)\n"
      "Exit codes: 0 stopped by SIGTERM/SIGINT; 64 usage error (also: --listen on an address\n"
      "this host does not have); 73 the --listen port is in use or needs privileges.");
  app->add_option("--listen", opts->listen, "ADDR:PORT to serve on")
      ->envname("PREFLIGHT_LISTEN")
      ->capture_default_str();
  app->add_option("--interval", opts->interval, "Rerun the checks every DURATION")
      ->type_name("DURATION")
      ->envname("PREFLIGHT_INTERVAL")
      ->capture_default_str();
  app->add_option("--require", opts->require, "/readyz: running, claimed or online")
      ->envname("PREFLIGHT_REQUIRE")
      ->capture_default_str();
  return {app, [opts](container::System& sys, const Preread& pre, std::vector<std::string>) {
            return RunServe(*opts, sys, pre);
          }};
}

}  // namespace preflight::cmd
