#include "cmd/cli_common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <fstream>

#include "checks/claim_settings.h"
#include "cmd/duration.h"
#include "container/redact.h"
#include "cmd/report_json.h"
#include "cmd/report_text.h"
#include "container/agent/http_get.h"
#include "container/atomic_file.h"
#include "container/log.h"
#include "container/unique_fd.h"

namespace preflight::cmd {
namespace {

// A device, a FIFO or a bind-mounted file cannot be replaced by a rename: written in place.
Status WriteInPlace(const std::string& path, const std::string& text) {
  container::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) return Errno("--output: open", path);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return Errno("--output: write", path);
  }
  return Status::Ok();
}

}  // namespace

void AddSelectionOptions(CLI::App* app, CommonOptions& opts) {
  app->add_option("--only", opts.selection.only, "Run only these checks (ids or categories, comma-separated)")
      ->delimiter(',')->envname("PREFLIGHT_ONLY")->group("Selection");
  app->add_option("--skip", opts.selection.skip, "Do not run these checks (ids or categories)")
      ->delimiter(',')->envname("PREFLIGHT_SKIP")->group("Selection");
  app->add_flag("--offline", opts.selection.offline, "Skip the network.* and cloud.* checks")
      ->envname("PREFLIGHT_OFFLINE")->group("Selection");
}

void AddInputOptions(CLI::App* app, CommonOptions& opts) {
  auto& in = opts.inputs;
  const char* g = "Inputs";
  app->add_option("--var-lib", in.var_lib, "The agent's state directory")->envname("PREFLIGHT_VAR_LIB")->group(g)->capture_default_str();
  app->add_option("--config-dir", in.config_dir, "The agent's config directory")->envname("PREFLIGHT_CONFIG_DIR")->group(g)->capture_default_str();
  app->add_option("--cache-dir", in.cache_dir, "The agent's cache directory")->envname("PREFLIGHT_CACHE_DIR")->group(g)->capture_default_str();
  app->add_option("--agent", in.agent, "The netdata binary (default: PATH and the usual locations)")->envname("PREFLIGHT_AGENT")->group(g);
  app->add_option("--api", in.api, "The agent's HTTP API")->envname("PREFLIGHT_API")->group(g)->capture_default_str();
  app->add_option("--cli-socket", in.cli_socket, "The netdatacli socket (default: discover)")->envname("PREFLIGHT_CLI_SOCKET")->group(g);
  app->add_option("--cloud-url", in.cloud_url, "Netdata Cloud URL (default: the claim URL)")->envname("PREFLIGHT_CLOUD_URL")->group(g);
  app->add_option("--resolve", in.resolve, "Pin HOST:PORT:ADDR, like curl --resolve (repeatable)")->delimiter(',')->envname("PREFLIGHT_RESOLVE")->group(g);
  app->add_option("--ca-file", in.ca_file, "CA bundle to verify Netdata Cloud with")->envname("PREFLIGHT_CA_FILE")->group(g);
  app->add_option("--deadline", opts.deadline, "Time budget of all network checks together")->envname("PREFLIGHT_DEADLINE")->group(g)->capture_default_str();
  app->add_option("--termination-log", opts.termination_log, "Summary file for Kubernetes (written only if it exists)")->envname("PREFLIGHT_TERMINATION_LOG")->group(g)->capture_default_str();
  app->add_option("--log-level", opts.log_level, "trace, debug, info, warn, error, off (default: SPDLOG_LEVEL, else warn)")->envname("PREFLIGHT_LOG_LEVEL")->group(g);
}

void AddOutputOptions(CLI::App* app, OutputOptions& opts) {
  app->add_option("--format", opts.format, "text or json")->envname("PREFLIGHT_FORMAT")->group("Output")->capture_default_str();
  app->add_option("--output", opts.output, "Write the report to FILE instead of stdout")->envname("PREFLIGHT_OUTPUT")->group("Output");
  app->add_option("--fail-on", opts.fail_on, "fail, warn or never: the lowest status that makes the exit code non-zero")->envname("PREFLIGHT_FAIL_ON")->group("Output")->capture_default_str();
}

Status ValidateApi(const std::string& api) {
  // A typo here would read as "agent not running" forever (a readiness probe never ready).
  if (auto url = container::ParseHttpUrl(api); !url.ok()) {
    return Error{EINVAL, "--api: " + url.error().message};
  }
  return Status::Ok();
}

Status FinishCommon(CommonOptions& opts) {
  auto deadline = ParseDuration(opts.deadline);
  if (!deadline.ok()) return Error{EINVAL, "--deadline: " + deadline.error().message};
  if (deadline->count() == 0) return Error{EINVAL, "--deadline: must be more than 0, e.g. 10s"};
  opts.inputs.deadline = *deadline;
  auto selection = checks::ValidateSelection(opts.selection);
  if (!selection.ok()) return Error{EINVAL, "--only/--skip: " + selection.error().message};
  for (const auto& pin : opts.inputs.resolve) {
    // HOST:PORT:ADDR, ADDR may be an IPv6 literal in brackets.
    auto first = pin.find(':');
    auto second = first == std::string::npos ? std::string::npos : pin.find(':', first + 1);
    if (first == 0 || second == std::string::npos || second == first + 1 || second + 1 >= pin.size()) {
      return Error{EINVAL, "--resolve: `" + pin + "` is not HOST:PORT:ADDR (e.g. api.netdata.cloud:443:127.0.0.1)"};
    }
  }
  if (Status api = ValidateApi(opts.inputs.api); !api.ok()) return api;
  if (!log::Init(opts.log_level)) {
    return Error{EINVAL, "--log-level: unknown level `" + opts.log_level + "`; use trace, debug, info, warn, error or off"};
  }
  return Status::Ok();
}

Status FinishOutput(const OutputOptions& opts) {
  if (opts.format != "text" && opts.format != "json") {
    return Error{EINVAL, "--format: `" + opts.format + "` is not a format; use text or json"};
  }
  if (opts.fail_on != "fail" && opts.fail_on != "warn" && opts.fail_on != "never") {
    return Error{EINVAL, "--fail-on: `" + opts.fail_on + "` is not a level; use fail, warn or never"};
  }
  return Status::Ok();
}

bool ReachesFailOn(const checks::Report& report, const std::string& fail_on) {
  if (fail_on == "never") return false;
  for (const auto& run : report.checks) {
    auto s = run.result.status;
    if (s == checks::Status::kFail) return true;
    if (fail_on == "warn" && (s == checks::Status::kWarn || s == checks::Status::kError)) return true;
  }
  return false;
}

Status WriteReport(const checks::Report& report, const OutputOptions& out,
                   const std::vector<std::string>& secrets) {
  const bool to_stdout = out.output.empty() || out.output == "-";
  const bool colour = to_stdout && out.format == "text" && ColourWanted(::isatty(1) == 1, std::getenv("NO_COLOR"));
  std::string text = out.format == "json" ? RenderJson(report) : RenderText(report, colour);
  text = Redact(std::move(text), secrets);
  if (to_stdout) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return Status::Ok();
  }
  // A regular file (or a new one) is replaced atomically: a kill -9 leaves the old report or
  // the new one, never a torn one (an initContainer's volume is read by the next container).
  struct stat st {};
  if (::stat(out.output.c_str(), &st) != 0 || S_ISREG(st.st_mode)) {
    Status s = container::WriteFileAtomic(out.output, text, 0644);
    if (s.ok()) return s;
    if (s.error().code != EBUSY) {
      return Error{s.error().code, "--output `" + out.output + "`: " + s.error().message};
    }
  }
  return WriteInPlace(out.output, text);
}

void WriteTerminationLog(const checks::Report& report, const std::string& path,
                         const std::vector<std::string>& secrets) {
  if (path.empty()) return;
  std::string text = Redact(RenderSummary(report, 4096), secrets);
  if (text.size() > 4096) text.resize(4096);
  // Only when it exists: Kubernetes creates it, bind-mounted (no rename over it); we never
  // create files elsewhere. In place yet never torn by a kill -9: one write of the new text,
  // padded with newlines over the old length, then the truncate (a kill between the two
  // leaves the new text and blank lines).
  container::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return;
  struct stat st {};
  const bool regular = ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode);
  if (!regular) {
    if (::write(fd.get(), text.data(), text.size()) < 0) log::Debug("termination log not written");
    return;
  }
  constexpr off_t kMaxPad = 64 * 1024;  // a bigger old file is not ours: truncated first
  if (st.st_size > kMaxPad && ::ftruncate(fd.get(), 0) != 0) return;
  std::string padded = text;
  if (st.st_size <= kMaxPad && st.st_size > static_cast<off_t>(text.size())) {
    padded.append(static_cast<size_t>(st.st_size) - text.size(), '\n');
  }
  if (::pwrite(fd.get(), padded.data(), padded.size(), 0) != static_cast<ssize_t>(padded.size()) ||
      ::ftruncate(fd.get(), static_cast<off_t>(text.size())) != 0) {
    log::Debug("termination log not written");
  }
}

std::vector<std::string> CollectSecrets(container::System& sys, const checks::Inputs& inputs) {
  // Register them process-wide too, so that logs and errors are redacted as well; the default
  // directories are always included because main() registers those before parsing.
  std::vector<std::string> secrets = ProcessSecrets();
  for (auto& s : checks::ClaimSecrets(checks::LoadClaimSettings(sys, inputs))) secrets.push_back(std::move(s));
  SetProcessSecrets(secrets);
  return secrets;
}

}  // namespace preflight::cmd
