#include "cmd/cli_common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "checks/catalog.h"
#include "checks/claim_settings.h"
#include "cmd/commands.h"
#include "cmd/duration.h"
#include "cmd/exit_codes.h"
#include "cmd/report_json.h"
#include "cmd/report_text.h"
#include "cmd/stop_signals.h"
#include "container/agent/http_get.h"
#include "container/base/log.h"
#include "container/base/redact.h"
#include "container/base/unique_fd.h"
#include "container/net/dns_resolver.h"
#include "container/net/proxy.h"
#include "container/parse/ini.h"
#include "container/state/atomic_file.h"
#include "container/state/output_file.h"

namespace preflight::cmd {
namespace {

// The fix for a --output that cannot be opened, by cause.
std::string OutputOpenFix(const std::string& path, int err) {
  const auto slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : path.substr(0, std::max<size_t>(slash, 1));
  switch (err) {
    case ENOENT:
      return "the directory " + dir +
             " does not exist: create it, or name a file in an existing one";
    case EISDIR:
      return "it is a directory: name a file in it, e.g. " + path + "/report.json";
    case ENOTDIR:
      return "a part of the path is not a directory: name a file in an existing directory";
    case EACCES:
    case EPERM:
    case EROFS:
      return "this user cannot write there: pick a writable path, or - for stdout";
    case ELOOP:
      return "it is a symlink, which is never written through: name the target itself";
    default:
      return "pick another path, or - for stdout";
  }
}

// The fix for a write that failed half-way, by cause.
std::string WriteFix(int err, const std::string& where) {
  switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return "free space where " + where + " goes, or write the report elsewhere (--output FILE)";
    case EINTR:
      return "stopped by a signal";
    case EPIPE:
      return "whatever read " + where + " stopped reading";
    default:
      return "check the device behind " + where + ", or write the report elsewhere (--output FILE)";
  }
}

// A device, a FIFO or a bind-mounted file cannot be replaced by a rename: written in place,
// opened without blocking (a FIFO nobody reads is an error, never a hang).
Status WriteInPlace(const std::string& path, const std::string& text) {
  auto fd = container::OpenOutput(path, /*create=*/true);
  if (!fd.ok()) {
    const int err = fd.error().code;
    if (err == ENXIO) return Error{err, "--output: " + fd.error().message};
    return Error{
        err, "--output `" + path + "`: " + std::strerror(err) + "; " + OutputOpenFix(path, err)};
  }
  struct stat st {};
  if (::fstat(fd->get(), &st) == 0 && S_ISREG(st.st_mode) && ::ftruncate(fd->get(), 0) != 0) {
    return Errno("--output: truncate", path);
  }
  Status s = container::WriteOutput(fd->get(), text, "--output `" + path + "`");
  if (!s.ok())
    return Error{s.error().code, s.error().message + "; " + WriteFix(s.error().code, path)};
  if (S_ISREG(st.st_mode) && ::fsync(fd->get()) != 0 && errno != EINVAL) {
    return Errno("--output: fsync", path);
  }
  return Status::Ok();
}

// Relative directories are taken from the working directory now, so that every message names
// a path a person can find ("Mount a persistent volume at /work/v1/lib", not "at v1/lib").
void MakeAbsolute(std::string& path) {
  if (path.empty() || path[0] == '/') return;
  char cwd[4096];
  if (::getcwd(cwd, sizeof cwd) == nullptr) return;
  std::string base(cwd);
  std::string_view rest(path);
  while (rest.substr(0, 2) == "./") rest.remove_prefix(2);
  if (rest == ".") rest = "";
  path = base + (rest.empty() ? "" : (base == "/" ? "" : "/") + std::string(rest));
  while (path.size() > 1 && path.back() == '/') path.pop_back();
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == ':' || c == '[' || c == ']';
}

}  // namespace

void AddSelectionOptions(CLI::App* app, CommonOptions& opts) {
  app->add_option("--only", opts.selection.only,
                  "Run only these checks (ids or categories, comma-separated)")
      ->delimiter(',')
      ->envname("PREFLIGHT_ONLY")
      ->group("Selection");
  app->add_option("--skip", opts.selection.skip, "Do not run these checks (ids or categories)")
      ->delimiter(',')
      ->envname("PREFLIGHT_SKIP")
      ->group("Selection");
  app->add_flag("--offline", opts.selection.offline, "Skip the network.* and cloud.* checks")
      ->envname("PREFLIGHT_OFFLINE")
      ->group("Selection");
}

namespace {

/// The agent's directories: options of every command, and what main reads before parsing
/// (InputsFromEnvironment), from one list so that both name the same variables.
struct PlaceOption {
  const char* flag;
  const char* env;
  std::string checks::Inputs::*member;
  const char* help;
};
constexpr PlaceOption kPlaceOptions[] = {
    {"--var-lib", "PREFLIGHT_VAR_LIB", &checks::Inputs::var_lib, "The agent's state directory"},
    {"--config-dir", "PREFLIGHT_CONFIG_DIR", &checks::Inputs::config_dir,
     "The agent's config directory"},
    {"--cache-dir", "PREFLIGHT_CACHE_DIR", &checks::Inputs::cache_dir,
     "The agent's cache directory"},
};

}  // namespace

void AddInputOptions(CLI::App* app, CommonOptions& opts) {
  auto& in = opts.inputs;
  const char* g = "Inputs";
  for (const auto& p : kPlaceOptions) {
    app->add_option(p.flag, in.*p.member, p.help)->envname(p.env)->group(g)->capture_default_str();
  }
  app->add_option("--agent", in.agent, "The netdata binary (default: PATH and the usual locations)")
      ->envname("PREFLIGHT_AGENT")
      ->group(g);
  app->add_option("--api", in.api, "The agent's HTTP API")
      ->envname("PREFLIGHT_API")
      ->group(g)
      ->capture_default_str();
  app->add_option("--cli-socket", in.cli_socket, "The netdatacli socket (default: discover)")
      ->envname("PREFLIGHT_CLI_SOCKET")
      ->group(g);
  app->add_option("--cloud-url", in.cloud_url, "Netdata Cloud URL (default: the claim URL)")
      ->envname("PREFLIGHT_CLOUD_URL")
      ->group(g);
  app->add_option("--resolve", in.resolve, "Pin HOST:PORT:ADDR, like curl --resolve (repeatable)")
      ->delimiter(',')
      ->envname("PREFLIGHT_RESOLVE")
      ->group(g);
  app->add_option("--ca-file", in.ca_file, "CA bundle to verify Netdata Cloud with")
      ->envname("PREFLIGHT_CA_FILE")
      ->group(g);
  app->add_option("--deadline", opts.deadline, "Time budget of all network checks together")
      ->type_name("DURATION")
      ->envname("PREFLIGHT_DEADLINE")
      ->group(g)
      ->capture_default_str();
  app->add_option("--termination-log", opts.termination_log,
                  "Summary file for Kubernetes (written only if it exists)")
      ->envname("PREFLIGHT_TERMINATION_LOG")
      ->group(g)
      ->capture_default_str();
  app->add_option("--log-level", opts.log_level,
                  "trace, debug, info, warn, error, off (default: SPDLOG_LEVEL, else warn)")
      ->envname("PREFLIGHT_LOG_LEVEL")
      ->group(g);
}

void AddOutputOptions(CLI::App* app, OutputOptions& opts) {
  app->add_option("--format", opts.format, "text or json")
      ->envname("PREFLIGHT_FORMAT")
      ->group("Output")
      ->capture_default_str();
  app->add_option("--output", opts.output, "Write the report to FILE instead of stdout")
      ->envname("PREFLIGHT_OUTPUT")
      ->group("Output");
  app->add_option("--fail-on", opts.fail_on,
                  "fail, warn or never: the lowest status that makes the exit code non-zero")
      ->envname("PREFLIGHT_FAIL_ON")
      ->group("Output")
      ->capture_default_str();
}

Status ValidateApi(const std::string& api) {
  // A typo here would read as "agent not running" forever (a readiness probe never ready).
  if (auto url = container::ParseHttpUrl(api); !url.ok()) {
    return Error{EINVAL, "--api: " + url.error().message};
  }
  return Status::Ok();
}

Status ValidateCloudUrl(const std::string& text) {
  // A URL that cannot be reached makes every network check `skip` after a DNS error: the
  // verdict would rest on nothing. Refused here, like --api.
  const std::string fix = "; give the Cloud's URL, e.g. --cloud-url https://app.netdata.cloud";
  size_t pos = 0;
  int items = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    std::string_view item = container::TrimSpace(std::string_view(text).substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) continue;
    ++items;
    const std::string shown = "`" + container::RedactUrl(item) + "`";
    for (char c : item) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return Error{EINVAL, "--cloud-url: " + shown + " contains a control character" + fix};
      }
      if (c == ' ') return Error{EINVAL, "--cloud-url: " + shown + " contains a space" + fix};
    }
    std::string lower(item.substr(0, 8));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("http://", 0) == 0) {
      return Error{
          EINVAL, "--cloud-url: " + shown + " uses http://; Netdata Cloud only speaks https" + fix};
    }
    if (lower.rfind("https://", 0) != 0) {
      return Error{EINVAL, "--cloud-url: " + shown + " has no https:// scheme" + fix};
    }
    auto url = container::ParseUrl(item, 443);
    if (!url.ok()) return Error{EINVAL, "--cloud-url: " + url.error().message + fix};
    for (char c : url->host) {
      if (!IsHostChar(c)) {
        return Error{EINVAL, "--cloud-url: " + shown + " has a bad character in its host" + fix};
      }
    }
  }
  if (items == 0) return Error{EINVAL, "--cloud-url: empty" + fix};
  return Status::Ok();
}

Status ValidateResolve(const std::string& pin) {
  const std::string fix =
      "; write HOST:PORT:ADDR with a port from 1 to 65535 and an IP address, e.g. "
      "--resolve api.netdata.cloud:443:127.0.0.1";
  container::Pin parsed;
  const bool ok = container::ParsePin(pin, parsed);
  if (!ok || parsed.port < 1 || parsed.port > 65535) {
    std::string why = "is not HOST:PORT:ADDR";
    const auto first = pin.find(':');
    const auto second = first == std::string::npos ? first : pin.find(':', first + 1);
    if (second != std::string::npos && first > 0) {
      const std::string port = pin.substr(first + 1, second - first - 1);
      const bool digits = !port.empty() && port.size() <= 5 &&
                          port.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
        why = "has a bad port `" + port + "`";
      } else {
        why = "has `" + pin.substr(second + 1) + "` where an IP address belongs";
      }
    }
    return Error{EINVAL, "--resolve: `" + pin + "` " + why + fix};
  }
  for (char c : parsed.host) {
    if (!IsHostChar(c) || c == ':')
      return Error{EINVAL, "--resolve: `" + pin + "` has a bad host name" + fix};
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
  // A report of nothing would read as a pass.
  bool any = false;
  for (const auto* def : checks::Catalog()) {
    any = any || (checks::IsSelected(*def, opts.selection) &&
                  !(opts.selection.offline && def->kind == checks::Kind::kOnline));
  }
  if (!any) {
    return Error{EINVAL,
                 std::string("--only/--skip") + (opts.selection.offline ? "/--offline" : "") +
                     " leave no check to run; select at least one (`netdata-preflight list` "
                     "shows them)"};
  }
  for (const auto& pin : opts.inputs.resolve) {
    if (Status s = ValidateResolve(pin); !s.ok()) return s;
  }
  if (!opts.inputs.cloud_url.empty()) {
    if (Status s = ValidateCloudUrl(opts.inputs.cloud_url); !s.ok()) return s;
  }
  if (Status api = ValidateApi(opts.inputs.api); !api.ok()) return api;
  for (std::string* dir : {&opts.inputs.var_lib, &opts.inputs.config_dir, &opts.inputs.cache_dir}) {
    MakeAbsolute(*dir);
  }
  if (!log::Init(opts.log_level)) {
    return Error{EINVAL, "--log-level: unknown level `" + opts.log_level +
                             "`; use trace, debug, info, warn, error or off"};
  }
  log::Write(log::Level::kTrace, "inputs: var-lib " + opts.inputs.var_lib + ", config-dir " +
                                     opts.inputs.config_dir + ", cache-dir " +
                                     opts.inputs.cache_dir + ", api " + opts.inputs.api +
                                     ", deadline " + opts.deadline);
  log::Write(log::Level::kTrace, StopSignalsHeldAtEntry()
                                     ? "stop signals held since the ELF entry point"
                                     : "stop signals held since .preinit_array");
  return Status::Ok();
}

Status FinishOutput(const OutputOptions& opts) {
  if (opts.format != "text" && opts.format != "json") {
    return Error{EINVAL, "--format: `" + opts.format + "` is not a format; use text or json"};
  }
  if (opts.fail_on != "fail" && opts.fail_on != "warn" && opts.fail_on != "never") {
    return Error{EINVAL,
                 "--fail-on: `" + opts.fail_on + "` is not a level; use fail, warn or never"};
  }
  return Status::Ok();
}

void TraceReport(const checks::Report& report) {
  for (const auto& run : report.checks) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f", run.result.duration_ms);
    log::Write(log::Level::kTrace, std::string(run.def->id) + ": " +
                                       std::string(checks::StatusName(run.result.status)) + " in " +
                                       ms + " ms: " + run.result.message);
  }
  log::Write(log::Level::kTrace,
             "verdict: " + std::string(checks::StatusName(report.verdict.status)) + " (" +
                 report.verdict.expected_node_state + ")");
}

bool ReachesFailOn(const checks::Report& report, const std::string& fail_on) {
  if (fail_on == "never") return false;
  for (const auto& run : report.checks) {
    auto s = run.result.status;
    // `error` = could not look: the strict command never calls that a success.
    if (s == checks::Status::kFail || s == checks::Status::kError) return true;
    if (fail_on == "warn" && s == checks::Status::kWarn) return true;
  }
  return false;
}

int OutputExitCode(const Error& error) {
  switch (error.code) {
    case ENOSPC:
    case EDQUOT:
    case EIO:
    case EPIPE:
    case EFBIG:
    case EINTR:
      return kExitIoError;
    default:
      return kExitCannotCreate;
  }
}

Status WriteReport(const checks::Report& report, const OutputOptions& out,
                   const std::vector<std::string>& secrets) {
  const bool to_stdout = out.output.empty() || out.output == "-";
  const TextStyle style = to_stdout && out.format == "text" ? TerminalStyle(1) : TextStyle{};
  std::string text = out.format == "json" ? RenderJson(report) : RenderText(report, style);
  text = Redact(std::move(text), secrets);
  if (to_stdout) {
    // Checked: `check > /dev/full` must not exit 0 with a truncated report.
    Status s = container::WriteOutput(1, text, "stdout");
    if (s.ok() && ::fsync(1) != 0 && errno != EINVAL && errno != EROFS && errno != EBADF) {
      s = Errno("write", "stdout");
    }
    if (!s.ok()) {
      return Error{s.error().code, s.error().message + "; the report is incomplete: " +
                                       WriteFix(s.error().code, "stdout")};
    }
    return Status::Ok();
  }
  // A regular file (or a new one) is replaced atomically: a kill -9 leaves the old report or
  // the new one, never a torn one (an initContainer's volume is read by the next container).
  struct stat st {};
  const bool exists = ::stat(out.output.c_str(), &st) == 0;
  if (!exists || S_ISREG(st.st_mode)) {
    Status s = container::WriteFileAtomic(out.output, text, 0644);
    if (s.ok()) return s;
    const int err = s.error().code;
    if (err != EBUSY) {
      const bool opening = err != ENOSPC && err != EDQUOT && err != EIO && err != EFBIG;
      return Error{err, "--output `" + out.output + "`: " + s.error().message + "; " +
                            (opening ? OutputOpenFix(out.output, err) : WriteFix(err, out.output))};
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
  // create files elsewhere. Opened without blocking: a FIFO there that nobody reads is skipped,
  // never a hang with the stop signals blocked. In place yet never torn by a kill -9: one write
  // of the new text, padded with newlines over the old length, then the truncate (a kill between
  // the two leaves the new text and blank lines).
  auto opened = container::OpenOutput(path, /*create=*/false);
  if (!opened.ok()) {
    if (opened.error().code != ENOENT)
      log::Debug("termination log not written: " + opened.error().message);
    return;
  }
  const int fd = opened->get();
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (!regular) {
    if (Status s = container::WriteOutput(fd, text, path); !s.ok()) {
      log::Debug("termination log not written: " + s.error().message);
    }
    return;
  }
  constexpr off_t kMaxPad = 64 * 1024;  // a bigger old file is not ours: truncated first
  if (st.st_size > kMaxPad && ::ftruncate(fd, 0) != 0) return;
  std::string padded = text;
  if (st.st_size <= kMaxPad && st.st_size > static_cast<off_t>(text.size())) {
    padded.append(static_cast<size_t>(st.st_size) - text.size(), '\n');
  }
  if (::pwrite(fd, padded.data(), padded.size(), 0) != static_cast<ssize_t>(padded.size()) ||
      ::ftruncate(fd, static_cast<off_t>(text.size())) != 0) {
    log::Debug("termination log not written");
  }
}

checks::Inputs InputsFromEnvironment(const std::map<std::string, std::string, std::less<>>& env) {
  checks::Inputs in;
  for (const auto& p : kPlaceOptions) {
    // As CLI11 reads an option's envname: set and not empty.
    auto it = env.find(p.env);
    if (it != env.end() && !it->second.empty()) in.*p.member = it->second;
  }
  return in;
}

std::optional<checks::ClaimSettings> Preread::ClaimFor(const checks::Inputs& inputs) const {
  if (!checks::SameClaimSources(defaults, inputs)) return std::nullopt;
  return claim;
}

void Stderr(const std::string& text, const std::vector<std::string>& secrets) {
  const std::string out = Redact(text, secrets);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

std::vector<std::string> CollectSecrets(checks::World& world) {
  // Register them process-wide too, so that logs and errors are redacted as well; the default
  // directories are always included because main() registers those before parsing.
  std::vector<std::string> secrets = ProcessSecrets();
  for (auto& s : checks::ClaimSecrets(world.Claim())) secrets.push_back(std::move(s));
  SetProcessSecrets(secrets);
  return secrets;
}

}  // namespace preflight::cmd
