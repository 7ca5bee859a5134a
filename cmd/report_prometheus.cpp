#include "cmd/report_prometheus.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace preflight::cmd {
namespace {

constexpr const char* kPrefix = "netdata_preflight_";
constexpr const char* kStatuses[] = {"pass", "warn", "fail", "skip", "error"};
constexpr const char* kNodeStates[] = {"live", "unseen", "offline", "absent", "unknown"};
constexpr const char* kLinkStates[] = {"down",   "initializing", "unsupported", "unclaimed",
                                       "banned", "offline",      "online",      "unknown"};

// Label values escape backslash, double quote and newline (exposition format).
std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // The shortest text that reads back as the same double: 0.000208, not 0.00020799999999999999.
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

class Writer {
 public:
  void Family(const char* name, const char* help, const char* type = "gauge") {
    out_ += std::string("# HELP ") + kPrefix + name + " " + help + "\n";
    out_ += std::string("# TYPE ") + kPrefix + name + " " + type + "\n";
  }
  void Sample(const char* name, const std::string& labels, double value) {
    out_ += std::string(kPrefix) + name;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += " " + Number(value) + "\n";
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string Label(const char* name, std::string_view value) {
  return std::string(name) + "=\"" + Escape(value) + "\"";
}

std::string StringAt(const nlohmann::ordered_json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

double NumberAt(const nlohmann::ordered_json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_number() ? it->get<double>() : NAN;
}

void Checks(Writer& w, const nlohmann::ordered_json& report) {
  auto checks = report.find("checks");
  if (checks == report.end() || !checks->is_array()) return;
  w.Family("check_status", "Status of each check of the last run (1 = the current status).");
  for (const auto& c : *checks) {
    if (!c.is_object()) continue;
    const std::string id = StringAt(c, "id");
    const std::string status = StringAt(c, "status");
    for (const char* s : kStatuses) {
      w.Sample("check_status", Label("id", id) + "," + Label("status", s), status == s ? 1 : 0);
    }
  }
  w.Family("check_duration_seconds", "How long each check of the last run took.");
  for (const auto& c : *checks) {
    if (!c.is_object()) continue;
    w.Sample("check_duration_seconds", Label("id", StringAt(c, "id")),
             NumberAt(c, "duration_ms") / 1000.0);
  }
}

void Verdict(Writer& w, const nlohmann::ordered_json& report) {
  auto v = report.find("verdict");
  if (v == report.end() || !v->is_object()) return;
  const std::string status = StringAt(*v, "status");
  const std::string state = StringAt(*v, "expected_node_state");
  w.Family("verdict", "Verdict of the last run (1 = the current one).");
  for (const char* s : {"pass", "warn", "fail"}) {
    w.Sample("verdict", Label("status", s), status == s ? 1 : 0);
  }
  w.Family("expected_node_state", "Node state in Netdata Cloud the last run expects.");
  for (const char* s : kNodeStates) {
    w.Sample("expected_node_state", Label("state", s), state == s ? 1 : 0);
  }
}

void Link(Writer& w, const MetricsSnapshot& s) {
  if (s.link == nullptr) return;
  const ProbeAnswer& a = *s.link;
  w.Family("agent_up", "1 when the agent answered the last probe.");
  w.Sample("agent_up", "", a.running ? 1 : 0);
  if (a.claimed >= 0) {
    w.Family("link_claimed", "1 when the agent is claimed to Netdata Cloud.");
    w.Sample("link_claimed", "", a.claimed);
  }
  if (a.online >= 0) {
    w.Family("link_online", "1 when the agent's link to Netdata Cloud is up.");
    w.Sample("link_online", "", a.online);
  }
  const std::string_view state = LinkState(a);
  w.Family("link_state", "The agent's link to Netdata Cloud (1 = the current state).");
  for (const char* l : kLinkStates) w.Sample("link_state", Label("state", l), state == l ? 1 : 0);
}

}  // namespace

std::string RenderPrometheus(const MetricsSnapshot& s) {
  Writer w;
  if (s.report != nullptr && s.report->is_object()) {
    Checks(w, *s.report);
    Verdict(w, *s.report);
  }
  Link(w, s);
  if (s.seconds_since_online) {
    w.Family("link_seconds_since_online", "Seconds since the link was last seen online.");
    w.Sample("link_seconds_since_online", "", *s.seconds_since_online);
  }
  if (s.last_check_seconds) {
    w.Family("last_check_duration_seconds", "Wall time of the last check run.");
    w.Sample("last_check_duration_seconds", "", *s.last_check_seconds);
  }
  if (s.last_check_timestamp) {
    w.Family("last_check_timestamp_seconds", "Unix time the last check run finished.");
    w.Sample("last_check_timestamp_seconds", "", *s.last_check_timestamp);
  }
  // Only ever grows while the sidecar lives: a counter, so rate() and increase() apply.
  w.Family("check_runs_failed_total", "Check runs that gave no report (crashed or timed out).",
           "counter");
  w.Sample("check_runs_failed_total", "", s.check_runs_failed);
  w.Family("build_info", "The netdata-preflight build.");
  w.Sample("build_info", Label("version", s.version), 1);
  return w.Take();
}

}  // namespace preflight::cmd
