#include "container/agent/agent_parse.h"

#include <cstdint>
#include <nlohmann/json.hpp>

#include "container/base/text.h"

namespace preflight::container {
namespace {

using Json = nlohmann::json;

Error Proto(std::string message) { return Error{EPROTO, std::move(message)}; }

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// v2.8+ answers this (status 0) to commands that need a fully started agent.
bool IsInitializing(std::string_view text) {
  return StartsWith(TrimSpace(text), "Agent is initializing");
}

std::optional<bool> YesNo(std::string_view v) {
  if (v == "Yes" || v == "yes" || v == "YES" || v == "true") return true;
  if (v == "No" || v == "no" || v == "NO" || v == "false") return false;
  return std::nullopt;
}

std::optional<int64_t> ToInt(std::string_view v) {
  if (v.empty() || v.size() > 18) return std::nullopt;
  int64_t n = 0;
  bool neg = false;
  size_t i = 0;
  if (v[0] == '-') {
    neg = true;
    i = 1;
  }
  if (i == v.size()) return std::nullopt;
  for (; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return std::nullopt;
    n = n * 10 + (v[i] - '0');
  }
  return neg ? -n : n;
}

// "null" and the all-zero UUID both mean "none" in the agent's outputs.
std::string IdOrEmpty(std::string_view v) {
  if (v.empty() || v == "null" || v == "00000000-0000-0000-0000-000000000000") return "";
  return std::string(v);
}

std::optional<Json> ParseJson(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::optional<bool> GetBool(const Json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::string GetString(const Json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::optional<int64_t> GetInt(const Json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    uint64_t u = it->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (it->is_number_integer()) return it->get<int64_t>();
  // Casting an out-of-range double is undefined: only plain magnitudes are taken.
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (!(d > -9e18 && d < 9e18)) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

}  // namespace

Expected<CliReply> ParseCliReply(std::string_view wire) {
  if (wire.empty()) return Proto("netdatacli reply is empty (the agent closed the socket)");
  if (wire[0] != 'X') return Proto("netdatacli reply does not start with 'X<status>'");
  size_t nul = wire.find('\0');
  if (nul == std::string_view::npos) return Proto("netdatacli reply has no NUL after the status");
  auto status = ToInt(wire.substr(1, nul - 1));
  if (!status || *status < 0 || *status > 255) {
    return Proto("netdatacli reply status is not a number 0-255");
  }
  CliReply reply;
  reply.status = static_cast<int>(*status);
  std::string_view rest = wire.substr(nul + 1);
  if (!rest.empty()) {
    if (rest[0] == 'O') {
      reply.out = std::string(rest.substr(1));
    } else if (rest[0] == 'E') {
      reply.err = std::string(rest.substr(1));
    } else {
      return Proto("netdatacli reply message does not start with 'O' or 'E'");
    }
  }
  return reply;
}

Expected<AclkState> ParseAclkStateText(std::string_view text) {
  AclkState st;
  st.source = "netdatacli aclk-state";
  if (IsInitializing(text)) {
    st.initializing = true;
    return st;
  }
  bool known = false;
  bool in_instances = false;  // after "> Node Instance ..."
  bool self_instance = false;
  std::string instance_node_id;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    std::string_view t = TrimSpace(line);
    if (StartsWith(t, ">")) {
      if (in_instances && self_instance && !instance_node_id.empty()) break;
      in_instances = true;
      self_instance = false;
      instance_node_id.clear();
      continue;
    }
    size_t colon = t.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = TrimSpace(t.substr(0, colon));
    std::string_view value = TrimSpace(t.substr(colon + 1));
    if (in_instances) {
      if (key == "Node ID") instance_node_id = IdOrEmpty(value);
      if (key == "Relationship") self_instance = value == "self";
      if (self_instance && !instance_node_id.empty()) st.node_id = instance_node_id;
      continue;
    }
    if (key == "ACLK Available") {
      st.available = YesNo(value);
      known = true;
    } else if (key == "Claimed") {
      st.claimed = YesNo(value);
      known = true;
    } else if (key == "Claimed Id") {
      st.claim_id = IdOrEmpty(value);
    } else if (key == "Cloud URL") {
      st.cloud_url = std::string(value);
    } else if (key == "ACLK Proxy") {
      st.proxy = std::string(value);
    } else if (key == "Online") {
      st.online = YesNo(value);
      known = true;
    } else if (key == "Banned By Cloud") {
      st.banned = YesNo(value);
    } else if (key == "Reconnect count") {
      st.reconnect_count = ToInt(value);
    } else if (key == "Last Connection Time") {
      st.last_connect = std::string(value);
    } else if (key == "Last Disconnect Time") {
      st.last_disconnect = std::string(value);
    } else if (key == "Next Connection Attempt At") {
      st.next_attempt = std::string(value);
    }
  }
  if (!known)
    return Proto("not `aclk-state` output (no `ACLK Available`, `Claimed` or `Online` line)");
  if (st.node_id.empty() && self_instance) st.node_id = instance_node_id;
  return st;
}

Expected<AclkState> ParseAclkStateJson(std::string_view text) {
  AclkState st;
  st.source = "aclk-state json";
  if (IsInitializing(text)) {
    st.initializing = true;
    return st;
  }
  auto j = ParseJson(text);
  if (!j || !j->is_object()) return Proto("aclk-state json is not a JSON object");
  st.available = GetBool(*j, "aclk-available");
  if (!st.available && !j->contains("agent-claimed") && !j->contains("online")) {
    return Proto("aclk-state json has none of `aclk-available`, `agent-claimed`, `online`");
  }
  st.claimed = GetBool(*j, "agent-claimed");
  st.online = GetBool(*j, "online");
  st.banned = GetBool(*j, "banned-by-cloud");
  st.claim_id = IdOrEmpty(GetString(*j, "claimed-id"));
  st.cloud_url = GetString(*j, "cloud-url");
  st.proxy = GetString(*j, "aclk_proxy");
  st.reconnect_count = GetInt(*j, "reconnect-count");
  st.last_connect = GetString(*j, "last-connect-time-utc");
  st.last_disconnect = GetString(*j, "last-disconnect-time-utc");
  st.next_attempt = GetString(*j, "next-connection-attempt-utc");
  auto inst = j->find("node-instances");
  if (inst != j->end() && inst->is_array()) {
    for (const auto& n : *inst) {
      if (!n.is_object() || GetString(n, "relationship") != "self") continue;
      st.node_id = IdOrEmpty(GetString(n, "node-id"));
      break;
    }
  }
  return st;
}

Expected<AgentInfo> ParseAgentInfo(std::string_view text) {
  auto j = ParseJson(text);
  if (!j || !j->is_object()) return Proto("/api/v1/info is not a JSON object");
  AgentInfo info;
  info.version = GetString(*j, "version");
  info.machine_guid = GetString(*j, "uid");
  if (info.version.empty() && info.machine_guid.empty()) {
    return Proto("/api/v1/info has neither `version` nor `uid`");
  }
  info.cloud_enabled = GetBool(*j, "cloud-enabled");
  info.cloud_available = GetBool(*j, "cloud-available");
  info.claimed = GetBool(*j, "agent-claimed");
  info.aclk_connected = GetBool(*j, "aclk-available");
  return info;
}

Expected<CloudStatus> ParseCloudStatus(std::string_view text) {
  auto j = ParseJson(text);
  if (!j || !j->is_object()) return Proto("/api/v2/info is not a JSON object");
  auto agents = j->find("agents");
  if (agents == j->end() || !agents->is_array() || agents->empty() || !(*agents)[0].is_object()) {
    return Proto("/api/v2/info has no `agents` array");
  }
  const Json& agent = (*agents)[0];
  auto cloud = agent.find("cloud");
  if (cloud == agent.end() || !cloud->is_object()) {
    return Error{ENOTSUP, "/api/v2/info has no `cloud` object (agent older than v1.41)"};
  }
  CloudStatus cs;
  cs.status = GetString(*cloud, "status");
  if (cs.status.empty()) return Proto("/api/v2/info `cloud` has no `status`");
  cs.reason = GetString(*cloud, "reason");
  cs.claim_id = IdOrEmpty(GetString(*cloud, "claim_id"));
  cs.url = GetString(*cloud, "url");
  cs.since = GetInt(*cloud, "since");
  cs.next_in = GetInt(*cloud, "next_in");
  auto app = agent.find("application");
  if (app != agent.end() && app->is_object()) {
    auto pkg = app->find("package");
    if (pkg != app->end() && pkg->is_object()) cs.version = GetString(*pkg, "version");
  }
  auto nodes = agent.find("nodes");
  if (nodes != agent.end() && nodes->is_object()) {
    cs.nodes_sending = GetInt(*nodes, "sending");
    cs.nodes_receiving = GetInt(*nodes, "receiving");
  }
  return cs;
}

Expected<StatusFile> ParseStatusFile(std::string_view text) {
  auto j = ParseJson(text);
  if (!j || !j->is_object()) return Proto("status-netdata.json is not a JSON object");
  auto agent = j->find("agent");
  if (agent == j->end() || !agent->is_object()) {
    return Proto("status-netdata.json has no `agent` object");
  }
  // Some early file versions prefixed keys with ND_; take whichever is there.
  auto key = [&agent](const char* name) {
    std::string plain(name);
    return agent->contains(plain) ? plain : "ND_" + plain;
  };
  StatusFile sf;
  sf.timestamp = GetString(*j, "@timestamp");
  sf.version = GetString(*agent, "version");
  sf.status = GetString(*agent, key("status").c_str());
  sf.aclk = GetString(*agent, "aclk");
  sf.claim_id = IdOrEmpty(GetString(*agent, key("claim_id").c_str()));
  sf.node_id = IdOrEmpty(GetString(*agent, key("node_id").c_str()));
  sf.restarts = GetInt(*agent, key("restarts").c_str());
  sf.crashes = GetInt(*agent, "crashes");
  sf.pid = GetInt(*agent, "pid");
  auto reason = agent->find(key("exit_reason"));
  if (reason != agent->end()) {
    if (reason->is_string()) {
      if (!reason->get<std::string>().empty()) sf.exit_reason.push_back(reason->get<std::string>());
    } else if (reason->is_array()) {
      for (const auto& r : *reason) {
        if (r.is_string()) sf.exit_reason.push_back(r.get<std::string>());
      }
    }
  }
  if (sf.status.empty() && sf.version.empty()) {
    return Proto("status-netdata.json `agent` has neither `status` nor `version`");
  }
  return sf;
}

}  // namespace preflight::container
