// The pure parsers of the agent clients, on the captures of tests/fixtures/agent/ and on
// hostile input.
#include "container/agent/agent_parse.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "container/agent/http_get.h"

namespace preflight::container {
namespace {

std::string Capture(const std::string& rel) {
  std::ifstream in(std::string(PREFLIGHT_SOURCE_DIR) + "/tests/fixtures/agent/" + rel,
                   std::ios::binary);
  EXPECT_TRUE(in) << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ParseCliReply, StatusAndMessageOfTheDebianAgent) {
  auto r = ParseCliReply(std::string("X0\0OACLK Available: No", 22));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 0);
  EXPECT_EQ(r->out, "ACLK Available: No");
  auto e = ParseCliReply(std::string("X1\0EIllegal command.", 20));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->status, 1);
  EXPECT_EQ(e->err, "Illegal command.");
  auto bare = ParseCliReply(std::string("X2\0", 3));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->status, 2);
  EXPECT_TRUE(bare->out.empty());
}

// fault: agent | malformed netdatacli replies: empty, "pong", "X0", non-numeric or 3-digit status, unknown stream tag | rejected with EPROTO, never a crash
TEST(ParseCliReply, RejectsWhatIsNotTheProtocol) {
  for (std::string bad :
       {std::string(""), std::string("pong"), std::string("X0"), std::string("Xa\0Ox", 5),
        std::string("X999\0O", 6), std::string("X0\0Zhello", 9), std::string("X\0O", 3)}) {
    auto r = ParseCliReply(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, EPROTO);
    }
  }
}

TEST(ParseAclkStateText, OnlineV2) {
  auto st = ParseAclkStateText(Capture("v2.x/online/aclk-state.txt"));
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->available, true);
  EXPECT_EQ(st->claimed, true);
  EXPECT_EQ(st->online, true);
  EXPECT_EQ(st->banned, false);
  EXPECT_EQ(st->claim_id, "5f0e1d2c-8b7a-4c3d-9e8f-112233445566");
  EXPECT_EQ(st->cloud_url, "https://app.netdata.cloud");
  EXPECT_EQ(st->proxy, "none");
  EXPECT_EQ(st->node_id, "0d9c8b7a-6f5e-4d3c-2b1a-998877665544");
  EXPECT_EQ(st->last_connect, "2024-08-23 07:40:00");
}

TEST(ParseAclkStateText, BannedOfflineUnclaimedAndOldFormats) {
  auto banned = ParseAclkStateText(Capture("v1.44/banned/aclk-state.txt"));
  ASSERT_TRUE(banned.ok());
  EXPECT_EQ(banned->banned, true);
  EXPECT_EQ(banned->online, false);
  EXPECT_EQ(banned->reconnect_count, 3);
  EXPECT_EQ(banned->next_attempt, "2024-08-23 08:02:13");
  auto unclaimed = ParseAclkStateText(Capture("v2.x/available/aclk-state.txt"));
  ASSERT_TRUE(unclaimed.ok());
  EXPECT_EQ(unclaimed->claimed, false);
  EXPECT_TRUE(unclaimed->claim_id.empty());
  EXPECT_TRUE(unclaimed->node_id.empty());
  auto old = ParseAclkStateText(Capture("v1.32/online/aclk-state.txt"));
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->online, true);
  EXPECT_FALSE(old->banned.has_value());  // "Banned By Cloud" appeared in v1.34
  auto debian = ParseAclkStateText(Capture("v1.37/unsupported/aclk-state.txt"));
  ASSERT_TRUE(debian.ok());
  EXPECT_EQ(debian->available, false);
  EXPECT_FALSE(debian->claimed.has_value());
}

// fault: agent | aclk-state text empty, "Illegal command.", or without the ACLK lines | rejected; "Agent is initializing" recognised as initializing
TEST(ParseAclkStateText, InitializingAndGarbage) {
  auto init = ParseAclkStateText("Agent is initializing\n");
  ASSERT_TRUE(init.ok());
  EXPECT_TRUE(init->initializing);
  EXPECT_FALSE(ParseAclkStateText("").ok());
  EXPECT_FALSE(ParseAclkStateText("Illegal command.").ok());
  EXPECT_FALSE(ParseAclkStateText("Claimed Id: x\nCloud URL: y").ok());
}

TEST(ParseAclkStateJson, EveryCapture) {
  struct Case {
    const char* file;
    std::optional<bool> claimed, online, banned;
  } cases[] = {
      {"v1.37/online/aclk.json", true, true, false},
      {"v1.44/offline/aclk.json", true, false, false},
      {"v1.44/banned/aclk.json", true, false, true},
      {"v2.x/online/aclk.json", true, true, false},
      {"v2.x/available/aclk.json", false, false, false},
  };
  for (const auto& c : cases) {
    auto st = ParseAclkStateJson(Capture(c.file));
    ASSERT_TRUE(st.ok()) << c.file << ": " << st.error().message;
    EXPECT_EQ(st->available, true) << c.file;
    EXPECT_EQ(st->claimed, c.claimed) << c.file;
    EXPECT_EQ(st->online, c.online) << c.file;
    EXPECT_EQ(st->banned, c.banned) << c.file;
  }
  auto online = ParseAclkStateJson(Capture("v2.x/online/aclk.json"));
  EXPECT_EQ(online->node_id, "0d9c8b7a-6f5e-4d3c-2b1a-998877665544");
  EXPECT_EQ(online->proxy, "none");
  auto debian = ParseAclkStateJson(Capture("v1.37/unsupported/aclk.json"));
  ASSERT_TRUE(debian.ok());
  EXPECT_EQ(debian->available, false);
}

// fault: agent | aclk-state JSON `{}`, `[true]`, truncated, or with wrong types ("online":"yes", 1e300) | rejected; wrong-typed fields ignored, not trusted
TEST(ParseAclkStateJson, RejectsOtherDocuments) {
  EXPECT_FALSE(ParseAclkStateJson("{}").ok());
  EXPECT_FALSE(ParseAclkStateJson("[true]").ok());
  EXPECT_FALSE(ParseAclkStateJson("{\"online\":").ok());
  EXPECT_TRUE(ParseAclkStateJson("Agent is initializing")->initializing);
  // Wrong types are ignored, not trusted.
  auto odd = ParseAclkStateJson(R"({"online":"yes","agent-claimed":1,"reconnect-count":1e300})");
  ASSERT_TRUE(odd.ok());
  EXPECT_FALSE(odd->online.has_value());
  EXPECT_FALSE(odd->claimed.has_value());
}

// fault: agent | /api/v1/info answers "Netdata is starting. Please try again later." or JSON without the info fields | rejected, not taken as agent info
TEST(ParseAgentInfo, DebianAndV2) {
  auto debian = ParseAgentInfo(Capture("v1.37/unsupported/info.json"));
  ASSERT_TRUE(debian.ok()) << debian.error().message;
  EXPECT_EQ(debian->version, "v1.37.1");
  EXPECT_EQ(debian->cloud_available, false);
  EXPECT_EQ(debian->cloud_enabled, false);
  EXPECT_EQ(debian->claimed, false);
  EXPECT_EQ(debian->aclk_connected, false);
  auto v2 = ParseAgentInfo(Capture("v2.x/online/info.json"));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, "v2.11.0");
  EXPECT_EQ(v2->aclk_connected, true);
  EXPECT_FALSE(ParseAgentInfo("Netdata is starting. Please try again later.").ok());
  EXPECT_FALSE(ParseAgentInfo("{\"alarms\":{}}").ok());
}

// fault: agent | /api/v3/info without a cloud object, with no agents, or without a status | rejected (ENOTSUP when there is no cloud status)
TEST(ParseCloudStatus, V2AndV144StatusValues) {
  struct Case {
    const char* file;
    const char* status;
    const char* reason;
  } cases[] = {
      {"v2.x/online/v3-info.json", "online", ""},
      {"v2.x/offline/v3-info.json", "offline", "TLS certificate verification failed"},
      {"v2.x/indirect/v3-info.json", "indirect", ""},
      {"v2.x/claim-409/v3-info.json", "available", "Failed: agent is already claimed"},
      {"v1.44/banned/v2-info.json", "banned", "Agent is banned from Netdata Cloud"},
      {"v1.44/available/v2-info.json", "available", "Agent is not claimed yet"},
  };
  for (const auto& c : cases) {
    auto cs = ParseCloudStatus(Capture(c.file));
    ASSERT_TRUE(cs.ok()) << c.file << ": " << cs.error().message;
    EXPECT_EQ(cs->status, c.status) << c.file;
    EXPECT_EQ(cs->reason, c.reason) << c.file;
  }
  auto off = ParseCloudStatus(Capture("v2.x/offline/v3-info.json"));
  EXPECT_EQ(off->next_in, 23);
  EXPECT_EQ(off->claim_id, "5f0e1d2c-8b7a-4c3d-9e8f-112233445566");
  EXPECT_EQ(off->version, "v2.11.0");
  auto none = ParseCloudStatus(R"({"agents":[{"mg":"x"}]})");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ENOTSUP);
  EXPECT_FALSE(ParseCloudStatus(R"({"agents":[]})").ok());
  EXPECT_FALSE(ParseCloudStatus(R"({"agents":[{"cloud":{"reason":"x"}}]})").ok());
}

// fault: agent | /api/v3/info `nodes` of a real standalone v2.10.4, of a child streaming to a parent, absent (v1.41-v1.47), or hostile | sending/receiving read as given; absent or non-numeric = unknown, never a guess
TEST(ParseCloudStatus, NodesSendingAndReceiving) {
  // The real v2.10.4 agent, standalone: no stream, no children.
  std::ifstream in(
      std::string(PREFLIGHT_SOURCE_DIR) +
      "/tests/testdata/netdata-v2.10.4/B3_claimed_offline_env404/curl_api_v3_info.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string curl = ss.str();
  auto real = ParseCloudStatus(curl.substr(curl.find("\r\n\r\n") + 4));
  ASSERT_TRUE(real.ok()) << real.error().message;
  EXPECT_EQ(real->nodes_sending, 0);
  EXPECT_EQ(real->nodes_receiving, 0);
  // A child whose own stream is up, and a proxy passing on two children of its own.
  auto child = ParseCloudStatus(
      R"({"agents":[{"cloud":{"status":"indirect"},"nodes":{"total":1,"receiving":0,"sending":1}}]})");
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->status, "indirect");
  EXPECT_EQ(child->nodes_sending, 1);
  EXPECT_EQ(child->nodes_receiving, 0);
  auto proxy = ParseCloudStatus(
      R"({"agents":[{"cloud":{"status":"offline"},"nodes":{"receiving":2,"sending":3}}]})");
  EXPECT_EQ(proxy->nodes_sending, 3);
  EXPECT_EQ(proxy->nodes_receiving, 2);
  // v1.41-v1.47 have no `nodes`; hostile values are unknown, not zero.
  auto old = ParseCloudStatus(Capture("v1.44/offline/v2-info.json"));
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->nodes_sending.has_value());
  auto bad = ParseCloudStatus(
      R"({"agents":[{"cloud":{"status":"offline"},"nodes":{"receiving":"2","sending":1e300}}]})");
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->nodes_sending.has_value());
  EXPECT_FALSE(bad->nodes_receiving.has_value());
  auto notobj = ParseCloudStatus(R"({"agents":[{"cloud":{"status":"offline"},"nodes":[1,2]}]})");
  ASSERT_TRUE(notobj.ok());
  EXPECT_FALSE(notobj->nodes_sending.has_value());
}

// fault: agent | status-netdata.json empty, without agent status, or with pid 1e300 | the first two rejected, the huge number tolerated
TEST(ParseStatusFile, OnlineThenExited) {
  auto sf = ParseStatusFile(Capture("status/online-exited/status-netdata.json"));
  ASSERT_TRUE(sf.ok()) << sf.error().message;
  EXPECT_EQ(sf->status, "exited");
  EXPECT_EQ(sf->aclk, "online");
  EXPECT_EQ(sf->timestamp, "2024-08-23T08:01:13.000Z");
  EXPECT_EQ(sf->exit_reason, std::vector<std::string>{"signal-sigterm"});
  EXPECT_EQ(sf->restarts, 7);
  EXPECT_EQ(sf->crashes, 1);
  EXPECT_EQ(sf->claim_id, "5f0e1d2c-8b7a-4c3d-9e8f-112233445566");
  auto unclaimed = ParseStatusFile(Capture("status/unclaimed-exited/status-netdata.json"));
  ASSERT_TRUE(unclaimed.ok());
  EXPECT_TRUE(unclaimed->claim_id.empty());  // the all-zero UUID means none
  EXPECT_FALSE(ParseStatusFile("{\"agent\":{}}").ok());
  EXPECT_FALSE(ParseStatusFile("").ok());
  EXPECT_TRUE(ParseStatusFile(R"({"version":29,"agent":{"status":"running","pid":1e300}})").ok());
}

// fault: agent | HTTP reply shorter than its Content-Length, an SSH banner, status "2x0", chunk size ffffffff | rejected, never a crash
TEST(ParseHttpResponse, LengthChunkedAndBroken) {
  auto r = ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{}");
  auto c = ParseHttpResponse(
      "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: "
      "chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, 503);
  EXPECT_EQ(c->body, "abc");
  EXPECT_FALSE(ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}").ok());
  EXPECT_FALSE(ParseHttpResponse("SSH-2.0-OpenSSH\r\n\r\n").ok());
  EXPECT_FALSE(ParseHttpResponse("HTTP/1.1 2x0 OK\r\n\r\n").ok());
  EXPECT_FALSE(
      ParseHttpResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\nab")
          .ok());
}

// fault: input | --api https://, a host name, port 0 or 99999, no host, "[::1" unclosed, empty port | rejected
TEST(ParseHttpUrl, AcceptsLiteralsOnly) {
  auto u = ParseHttpUrl("http://localhost:19999/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 19999);
  auto v6 = ParseHttpUrl("http://[::1]:8080/netdata");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->base_path, "/netdata");
  for (const char* bad :
       {"https://127.0.0.1:19999", "http://netdata:19999", "http://127.0.0.1:0",
        "http://127.0.0.1:99999", "http://:19999", "http://[::1", "http://1.2.3.4:"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace preflight::container
