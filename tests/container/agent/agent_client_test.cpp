// The agent clients against a real unix socket and a real loopback HTTP server (the fake
// agent of tests/fakes/fake_agent_server.h serving the captures of every generation).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>

#include "blackbox/run_util.h"
#include "container/agent/cli_socket.h"
#include "container/agent/real_agent_client.h"
#include "fakes/fake_agent_server.h"

namespace preflight::container {
namespace {

using preflight::testing::FakeAgentServer;
using preflight::testing::TempDir;
using std::chrono::milliseconds;

class AgentClientTest : public ::testing::Test {
 protected:
  AgentTarget SocketTarget() const {
    AgentTarget t;
    t.cli_socket = agent.socket_path();
    t.api = agent.api();
    t.api_explicit = true;
    return t;
  }
  // The API only (--cli-socket none).
  AgentTarget ApiTarget() const {
    AgentTarget t;
    t.cli_socket = kApiOnly;
    t.api = agent.api();
    t.api_explicit = true;
    return t;
  }
  static Deadline Soon() { return DeadlineIn(milliseconds(2000)); }

  TempDir dir;
  FakeAgentServer agent{dir.path(), "v2.x/online"};
  EnvMap env;
  RealAgentClient client{env};
};

TEST(CliSocketCandidates, EveryGenerationInTheAgentsOrder) {
  EnvMap env{{"NETDATA_PIPENAME", "/x/pipe"}, {"NETDATA_RUN_DIR", "/rd"}};
  EXPECT_EQ(CliSocketCandidates(env),
            (std::vector<std::string>{"/x/pipe", "/rd/netdata.pipe", "/run/netdata/netdata.pipe",
                                      "/var/run/netdata/netdata.pipe", "/tmp/netdata/netdata.pipe",
                                      "/tmp/netdata-ipc"}));
  EXPECT_EQ(CliSocketCandidates({}).front(), "/run/netdata/netdata.pipe");
}

// fault: agent | --cli-socket names a plain file, or nothing | ENOTSOCK / ENOENT
TEST_F(AgentClientTest, FindsTheSocketFromPipenameAndRunDir) {
  auto by_pipename = FindCliSocket({{"NETDATA_PIPENAME", agent.socket_path()}}, "");
  ASSERT_TRUE(by_pipename.ok()) << by_pipename.error().message;
  EXPECT_EQ(*by_pipename, agent.socket_path());
  auto by_run_dir = FindCliSocket({{"NETDATA_RUN_DIR", dir.path()}}, "");
  ASSERT_TRUE(by_run_dir.ok());
  EXPECT_EQ(*by_run_dir, agent.socket_path());
  auto not_socket = FindCliSocket({}, dir.Write("plain", "x"));
  ASSERT_FALSE(not_socket.ok());
  EXPECT_EQ(not_socket.error().code, ENOTSOCK);
  auto missing = FindCliSocket({}, dir.path() + "/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ENOENT);
}

TEST_F(AgentClientTest, PingOverTheSocket) {
  auto p = client.Ping(SocketTarget(), Soon());
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(p->ready);
  EXPECT_EQ(p->via, "socket " + agent.socket_path());
  EXPECT_EQ(agent.Requests(), std::vector<std::string>{"cli ping"});
  agent.Use("v2.x/initializing");  // v2.10+: pong with status 1
  auto init = client.Ping(SocketTarget(), Soon());
  ASSERT_TRUE(init.ok());
  EXPECT_FALSE(init->ready);
  EXPECT_NE(init->detail.find("initializing"), std::string::npos);
}

TEST_F(AgentClientTest, PingOverHttpWhen503UntilReady) {
  AgentTarget t = ApiTarget();
  RealAgentClient& http_client = client;
  auto p = http_client.Ping(t, Soon());
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(p->ready);
  EXPECT_EQ(p->via, agent.api());
  agent.Use("v2.x/initializing");
  auto init = http_client.Ping(t, Soon());
  ASSERT_TRUE(init.ok());
  EXPECT_FALSE(init->ready);
  EXPECT_NE(init->detail.find("503"), std::string::npos);
}

// fault: agent | v1.32 agent refuses `aclk-state json` | falls back to the text form and reads the state
TEST_F(AgentClientTest, AclkStateJsonOverTheSocket) {
  auto st = client.Aclk(SocketTarget(), Soon());
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->online, true);
  EXPECT_EQ(st->claimed, true);
  EXPECT_NE(st->source.find(agent.socket_path()), std::string::npos);
  EXPECT_EQ(agent.Requests(), std::vector<std::string>{"cli aclk-state json"});
  agent.Use("v1.37/unsupported");
  EXPECT_EQ(client.Aclk(SocketTarget(), Soon())->available, false);
  // An agent that refuses the json form is asked for the text form.
  agent.Use("v1.32/online");
  auto text = client.Aclk(SocketTarget(), Soon());
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(text->online, true);
  EXPECT_EQ(text->source, "netdatacli aclk-state (" + agent.socket_path() + ")");
  agent.Use("v2.x/initializing");
  EXPECT_TRUE(client.Aclk(SocketTarget(), Soon())->initializing);
}

// fault: agent | /api/v1/aclk answers 503 (initializing) or 401 (bearer protection) | EAGAIN / EACCES naming 401
TEST_F(AgentClientTest, AclkOverHttpAndItsErrors) {
  RealAgentClient& http_client = client;
  agent.Use("v1.44/banned");
  auto st = http_client.Aclk(ApiTarget(), Soon());
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->banned, true);
  EXPECT_EQ(st->source, "GET " + agent.api() + "/api/v1/aclk");
  agent.Use("v2.x/initializing");
  auto init = http_client.Aclk(ApiTarget(), Soon());
  ASSERT_FALSE(init.ok());
  EXPECT_EQ(init.error().code, EAGAIN);
  agent.Use("bearer:v2.x/online");
  auto bearer = http_client.Aclk(ApiTarget(), Soon());
  ASSERT_FALSE(bearer.ok());
  EXPECT_EQ(bearer.error().code, EACCES);
  EXPECT_NE(bearer.error().message.find("401"), std::string::npos);
}

TEST_F(AgentClientTest, InfoOfEachGeneration) {
  agent.Use("v1.37/unsupported");
  auto debian = client.Info(ApiTarget(), Soon());
  ASSERT_TRUE(debian.ok()) << debian.error().message;
  EXPECT_EQ(debian->version, "v1.37.1");
  EXPECT_EQ(debian->cloud_available, false);
  agent.Use("v2.x/initializing");
  EXPECT_EQ(client.Info(ApiTarget(), Soon()).error().code, EAGAIN);
}

// fault: agent | v1.44 agent without /api/v3/info; v1.37 without either | falls back to /api/v2/info; ENOTSUP for v1.37
TEST_F(AgentClientTest, CloudTriesV3ThenV2) {
  agent.Use("v1.44/offline");
  auto cs = client.Cloud(ApiTarget(), Soon());
  ASSERT_TRUE(cs.ok()) << cs.error().message;
  EXPECT_EQ(cs->status, "offline");
  EXPECT_EQ(cs->reason, "https client timeout");
  EXPECT_EQ(cs->source, "GET " + agent.api() + "/api/v2/info");
  EXPECT_EQ(agent.Requests(), (std::vector<std::string>{"GET /api/v3/info", "GET /api/v2/info"}));
  agent.Use("v2.x/indirect");
  EXPECT_EQ(client.Cloud(ApiTarget(), Soon())->status, "indirect");
  agent.Use("bearer:v2.x/offline");  // v3 needs no bearer token
  EXPECT_EQ(client.Cloud(ApiTarget(), Soon())->reason, "TLS certificate verification failed");
  agent.Use("v1.37/online");
  auto old = client.Cloud(ApiTarget(), Soon());
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, ENOTSUP);
}

// fault: agent | agent accepts on the socket and the API and never answers | ETIMEDOUT within the 300 ms deadline + 200 ms
TEST_F(AgentClientTest, AHungAgentCostsNoMoreThanTheDeadline) {
  agent.Use("hang");
  for (bool via_socket : {true, false}) {
    AgentTarget t = via_socket ? SocketTarget() : ApiTarget();
    auto start = std::chrono::steady_clock::now();
    auto r = via_socket ? client.Ping(t, DeadlineIn(milliseconds(300))).error()
                        : client.Info(t, DeadlineIn(milliseconds(300))).error();
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.code, ETIMEDOUT) << r.message;
    EXPECT_LT(took, milliseconds(300 + 200));
  }
}

// fault: agent | agent API port closed, CLI socket missing | ECONNREFUSED / ENOENT
TEST_F(AgentClientTest, NothingListening) {
  AgentTarget t;
  t.api = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  t.api_explicit = true;
  auto r = client.Info(t, Soon());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ECONNREFUSED);
  t.cli_socket = dir.path() + "/gone.pipe";
  EXPECT_EQ(client.Ping(t, Soon()).error().code, ENOENT);
}

// fault: input | NETDATA_LISTENER_PORT=http | error naming NETDATA_LISTENER_PORT
TEST(EffectiveApi, ListenerPortAppliesToTheDefaultOnly) {
  AgentTarget t;
  auto d = EffectiveApi(t, {{"NETDATA_LISTENER_PORT", "20000"}});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 20000);
  t.api = "http://127.0.0.1:1234";
  t.api_explicit = true;
  EXPECT_EQ(EffectiveApi(t, {{"NETDATA_LISTENER_PORT", "20000"}})->port, 1234);
  AgentTarget bad;
  auto e = EffectiveApi(bad, {{"NETDATA_LISTENER_PORT", "http"}});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("NETDATA_LISTENER_PORT"), std::string::npos);
}

// fault: input | status-netdata.json a symlink to another agent's file | never read through the symlink
TEST(ReadStatusFile, NewestOfTheLocationsAndNeverThroughASymlink) {
  TempDir lib, cache;
  std::ifstream in(FakeAgentServer::FixtureDir() + "/status/online-exited/status-netdata.json");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string older = ss.str();
  std::string newer = older;
  newer.replace(newer.find("2024-08-23T08:01:13"), 19, "2024-08-24T09:00:00");
  newer.replace(newer.find("\"online\""), 8, "\"banned\"");
  lib.Write("status-netdata.json", older);
  cache.Write("status-netdata.json", newer);
  EnvMap env;
  RealAgentClient client(env);
  AgentTarget t;
  t.var_lib = lib.path();
  t.cache_dir = cache.path();
  auto sf = client.ReadStatusFile(t);
  ASSERT_TRUE(sf.ok()) << sf.error().message;
  EXPECT_EQ(sf->path, cache.path() + "/status-netdata.json");
  EXPECT_EQ(sf->aclk, "banned");
  TempDir evil;
  ASSERT_EQ(::symlink((lib.path() + "/status-netdata.json").c_str(),
                      (evil.path() + "/status-netdata.json").c_str()),
            0);
  t.var_lib = evil.path();
  t.cache_dir = evil.path() + "/none";
  auto via_link = client.ReadStatusFile(t);
  if (via_link.ok()) {
    EXPECT_NE(via_link->path, evil.path() + "/status-netdata.json");
  }
}

}  // namespace
}  // namespace preflight::container
