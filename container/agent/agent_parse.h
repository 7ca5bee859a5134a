#pragma once
/// Pure parsers of everything the agent says about itself. string_view in, struct out,
/// never a throw, never a crash on hostile input (fuzzed). Each error is one line naming
/// what was expected.

#include <string_view>

#include "container/agent/agent_client.h"

namespace preflight::container {

/// A netdatacli reply: 'X' <decimal status> '\0' then optionally 'O'|'E' <message>.
Expected<CliReply> ParseCliReply(std::string_view wire);

/// `aclk-state` text of every generation: v1.32–v1.33 ("ACLK Implementation"), v1.34+
/// ("ACLK Version", "Banned By Cloud"), v2.7+ (proxy), "ACLK Available: No" builds, and
/// "Agent is initializing" (v2.8+).
Expected<AclkState> ParseAclkStateText(std::string_view text);

/// `aclk-state json` and GET /api/v1/aclk (same document), incl. `{"aclk-available":false}`
/// and the plain "Agent is initializing" text.
Expected<AclkState> ParseAclkStateJson(std::string_view text);

/// GET /api/v1/info.
Expected<AgentInfo> ParseAgentInfo(std::string_view text);

/// GET /api/v2/info or /api/v3/info: `agents[0].cloud`, and `agents[0].nodes` when there
/// (v2.0+; src/database/contexts/api_v2_contexts_agents.c). ENOTSUP when the document has no
/// cloud object (an agent older than v1.41).
Expected<CloudStatus> ParseCloudStatus(std::string_view text);

/// status-netdata.json (v2.4+; keys of file version >= 18, `ND_`-prefixed before).
Expected<StatusFile> ParseStatusFile(std::string_view text);

}  // namespace preflight::container
