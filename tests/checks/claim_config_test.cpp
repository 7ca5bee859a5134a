// claim.config against a fake environment and claim.conf: URL, rooms, proxy, insecure, the v1
// URL+TOKEN rule and env vs claim.conf conflicts.
#include <gtest/gtest.h>

#include <functional>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using testing::FakeSystem;

const std::string kToken = [] {
  std::string t;
  for (unsigned i = 0; i < 135; ++i)
    t += "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"[(i * 29 + 5) % 64];
  return t;
}();
constexpr const char* kConf = "/etc/netdata/claim.conf";
constexpr const char* kRoom1 = "1d66b04f-7f1c-413f-9638-f0c6e281f721";
constexpr const char* kRoom2 = "a2b3c4d5-e6f7-4890-a1b2-c3d4e5f60718";

/// The usual docker run: token and URL in the environment.
void Docker(FakeSystem& s) {
  s.env["NETDATA_CLAIM_TOKEN"] = kToken;
  s.env["NETDATA_CLAIM_URL"] = "https://app.netdata.cloud";
}
std::function<void(FakeSystem&)> DockerWith(std::string name, std::string value) {
  return [name, value](FakeSystem& s) {
    Docker(s);
    s.env[name] = value;
  };
}

struct Case {
  const char* name;
  std::function<void(FakeSystem&)> setup;
  Status status;
  const char* message;
  const char* remediation = "";
  const char* generation = "v2";
};

const Case kCases[] = {
    {"NotClaimingIsSkipped", [](FakeSystem&) {}, Status::kSkip, "claiming is not configured"},
    {"DockerDefaultsPass", Docker, Status::kPass,
     "claim settings from the environment are valid (URL https://app.netdata.cloud, 0 room(s), "
     "proxy "
     "env (default))"},
    // URL.
    {"UrlHttpFails", DockerWith("NETDATA_CLAIM_URL", "http://app.netdata.cloud"), Status::kFail,
     "uses http://; Netdata Cloud only speaks https", "https://app.netdata.cloud"},
    {"UrlWithoutSchemeFails", DockerWith("NETDATA_CLAIM_URL", "app.netdata.cloud"), Status::kFail,
     "has no https:// scheme"},
    {"UrlQuotedFails", DockerWith("NETDATA_CLAIM_URL", "\"https://app.netdata.cloud\""),
     Status::kFail, "is wrapped in quotes"},
    {"UrlEmptyFails", DockerWith("NETDATA_CLAIM_URL", ""), Status::kFail, "is set but empty"},
    {"UrlWithWhitespaceFails", DockerWith("NETDATA_CLAIM_URL", "https://app.netdata.cloud "),
     Status::kFail, "contains whitespace"},
    {"UrlBadPortFails", DockerWith("NETDATA_CLAIM_URL", "https://app.netdata.cloud:99999"),
     Status::kFail, "has a bad port"},
    {"UrlWithCredentialsWarns",
     DockerWith("NETDATA_CLAIM_URL", "https://me:secretpw@app.netdata.cloud"), Status::kWarn,
     "contains user credentials"},
    {"UrlWithSpacePathWarns",
     DockerWith("NETDATA_CLAIM_URL", "https://app.netdata.cloud/spaces/my-space/rooms/all-nodes"),
     Status::kWarn, "has a path; the agent appends /api/v1/spaces/nodes/<id>"},
    {"UrlTrailingSlashIsFine", DockerWith("NETDATA_CLAIM_URL", "https://app.netdata.cloud/"),
     Status::kPass, "are valid"},
    {"HelmApiUrlIsFine", DockerWith("NETDATA_CLAIM_URL", "https://api.netdata.cloud"),
     Status::kPass, "URL https://api.netdata.cloud"},
    // v1 images need both URL and TOKEN; v2 defaults the URL.
    {"V1TokenWithoutUrlFails", [](FakeSystem& s) { s.env["NETDATA_CLAIM_TOKEN"] = kToken; },
     Status::kFail,
     "v1 images claim only when both NETDATA_CLAIM_URL and NETDATA_CLAIM_TOKEN are set; only "
     "NETDATA_CLAIM_TOKEN is",
     "Set NETDATA_CLAIM_URL=https://app.netdata.cloud as well.", "v1"},
    {"V1UrlWithoutTokenFails",
     [](FakeSystem& s) { s.env["NETDATA_CLAIM_URL"] = "https://app.netdata.cloud"; }, Status::kFail,
     "only NETDATA_CLAIM_URL is", "Set NETDATA_CLAIM_TOKEN", "v1"},
    {"V1BothPass", Docker, Status::kPass, "claim settings from the environment are valid", "",
     "v1"},
    {"V2TokenWithoutUrlUsesTheDefault",
     [](FakeSystem& s) { s.env["NETDATA_CLAIM_TOKEN"] = kToken; }, Status::kPass,
     "URL https://app.netdata.cloud (default)"},
    {"V1IgnoresClaimConf",
     [](FakeSystem& s) { s.AddFile(kConf, "[global]\ntoken = " + kToken + "\n"); }, Status::kFail,
     "is used only by v2 agents", "upgrade to a v2 image", "v1"},
    {"V1WithClaimConfAndEnvWarnsClaimConfIgnored",
     [](FakeSystem& s) {
       Docker(s);
       s.AddFile(kConf, "[global]\ntoken = " + kToken + "\n");
     },
     Status::kWarn, "is ignored by this v1 agent", "", "v1"},
    // Rooms.
    {"RoomsTwoUuids", DockerWith("NETDATA_CLAIM_ROOMS", std::string(kRoom1) + "," + kRoom2),
     Status::kPass, "2 room(s)"},
    {"RoomsEmptyItemsAndSpacesTolerated",
     DockerWith("NETDATA_CLAIM_ROOMS", std::string(",") + kRoom1 + " ,, " + kRoom2 + ","),
     Status::kPass, "2 room(s)"},
    {"RoomsEmptyMeansAllNodes", DockerWith("NETDATA_CLAIM_ROOMS", ""), Status::kPass, "0 room(s)"},
    {"RoomNameInsteadOfIdFails",
     DockerWith("NETDATA_CLAIM_ROOMS", std::string(kRoom1) + ",General"), Status::kFail,
     "NETDATA_CLAIM_ROOMS item 2 (`General`) is not a room id", "Copy the room ids"},
    {"RoomsQuotedFails", DockerWith("NETDATA_CLAIM_ROOMS", std::string("\"") + kRoom1 + "\""),
     Status::kFail, "is wrapped in quotes"},
    // Proxy.
    {"ProxyNone", DockerWith("NETDATA_CLAIM_PROXY", "none"), Status::kPass, "proxy none"},
    {"ProxyEnv", DockerWith("NETDATA_CLAIM_PROXY", "env"), Status::kPass, "proxy env"},
    {"ProxyHttp", DockerWith("NETDATA_CLAIM_PROXY", "http://proxy.internal:3128"), Status::kPass,
     "proxy http://proxy.internal:3128"},
    {"ProxyHttpWithCredentialsIsRedacted",
     DockerWith("NETDATA_CLAIM_PROXY", "http://user:pass@proxy.internal:3128"), Status::kPass,
     "proxy http://***@proxy.internal:3128"},
    {"ProxySocks5", DockerWith("NETDATA_CLAIM_PROXY", "socks5://proxy.internal:1080"),
     Status::kPass, "proxy socks5://"},
    {"ProxySocks5h", DockerWith("NETDATA_CLAIM_PROXY", "socks5h://proxy.internal:1080"),
     Status::kPass, "proxy socks5h://"},
    {"ProxyHttpsRejected", DockerWith("NETDATA_CLAIM_PROXY", "https://proxy.internal:3128"),
     Status::kFail, "is an https:// proxy, which the agent's Cloud link does not support",
     "plain http:// address"},
    {"ProxyWithoutSchemeRejected", DockerWith("NETDATA_CLAIM_PROXY", "proxy.internal:3128"),
     Status::kFail, "is not none, env, or an http://"},
    {"ProxySocks4Rejected", DockerWith("NETDATA_CLAIM_PROXY", "socks4://proxy.internal:1080"),
     Status::kFail, "is not none, env, or an http://"},
    {"ProxyQuotedRejected", DockerWith("NETDATA_CLAIM_PROXY", "'http://proxy.internal:3128'"),
     Status::kFail, "is wrapped in quotes"},
    {"ProxyBadPortRejected", DockerWith("NETDATA_CLAIM_PROXY", "http://proxy.internal:0"),
     Status::kFail, "has a bad port"},
    // Insecure.
    {"ClaimInsecureEnvIsIgnoredByEveryAgent", DockerWith("NETDATA_CLAIM_INSECURE", "yes"),
     Status::kWarn, "NETDATA_CLAIM_INSECURE is set, but no agent reads it",
     "NETDATA_EXTRA_CLAIM_OPTS=-insecure"},
    {"InsecureViaExtraClaimOptsDependsOnTheVersion",
     DockerWith("NETDATA_EXTRA_CLAIM_OPTS", "-insecure"), Status::kWarn,
     "only in v2.11.0 and later"},
    // claim.conf and the environment together.
    {"ClaimConfAlonePasses",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\n  url = https://app.netdata.cloud\n  token = " + kToken +
                            "\n  rooms = " + kRoom1 + "\n  proxy = none\n  insecure = no\n");
     },
     Status::kPass,
     "claim settings from claim.conf are valid (URL https://app.netdata.cloud, 1 "
     "room(s), proxy none)"},
    {"EnvTokenDiffersFromClaimConf",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\ntoken = " + kToken + "\n");
       s.env["NETDATA_CLAIM_TOKEN"] = kToken.substr(1) + "Z";
     },
     Status::kWarn, "claim.conf token and NETDATA_CLAIM_TOKEN differ", "Keep one source"},
    {"EnvRoomsIgnoredWhenClaimConfHasAToken",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\ntoken = " + kToken + "\n");
       s.env["NETDATA_CLAIM_ROOMS"] = kRoom1;
     },
     Status::kWarn, "NETDATA_CLAIM_ROOMS is ignored: /etc/netdata/claim.conf has a token"},
    {"UnknownGenerationNamesBothBehaviours",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\ntoken = " + kToken + "\nurl = https://app.netdata.cloud\n");
       s.env["NETDATA_CLAIM_URL"] = "https://api.netdata.cloud";
     },
     Status::kWarn, "a v2 agent uses claim.conf (a v1 agent uses the environment)", "", ""},
    {"EqualValuesInBothAreNoConflict",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\ntoken = " + kToken + "\n");
       s.env["NETDATA_CLAIM_TOKEN"] = kToken;
     },
     Status::kPass, "from claim.conf"},
    {"ClaimConfWithoutTokenIsSkippedWithItsSettings",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\nurl = https://api.netdata.cloud\nproxy = none\n");
       s.env["NETDATA_CLAIM_TOKEN"] = kToken;
     },
     Status::kWarn,
     "has no `token`, so this v2 agent skips it and claims from the environment: its `url`, "
     "`proxy` are not used",
     "Put the token in /etc/netdata/claim.conf"},
    {"ClaimConfRootOnlyCannotBeReadByTheAgent",
     [](FakeSystem& s) { s.AddFile(kConf, "[global]\ntoken = " + kToken + "\n", 0600, 0, 0); },
     Status::kFail,
     "/etc/netdata/claim.conf is owned by root (0:0, mode 0600): the agent, running as netdata "
     "(uid 201, gid 201), cannot read it",
     "chown root:201 /etc/netdata/claim.conf && chmod 0640 /etc/netdata/claim.conf"},
    {"ClaimConfAsTheDocsSayIsReadable",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\ntoken = " + kToken + "\n", 0640, 0, 201);
       s.AddDir("/etc/netdata", 0755, 0, 0);
     },
     Status::kPass, "from claim.conf"},
    {"ConfigDirNotSearchableByTheAgent",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\ntoken = " + kToken + "\n", 0644, 0, 0);
       s.AddDir("/etc/netdata", 0700, 0, 0);
     },
     Status::kFail, "cannot reach claim.conf in it"},
    {"V1DoesNotCareWhoCanReadClaimConf",
     [](FakeSystem& s) {
       Docker(s);
       s.AddFile(kConf, "[global]\ntoken = " + kToken + "\n", 0600, 0, 0);
     },
     Status::kWarn, "is ignored by this v1 agent", "", "v1"},
    {"ClaimConfIsADirectory",
     [](FakeSystem& s) {
       s.AddDir(kConf);
       s.files[kConf].read_error = EISDIR;
     },
     Status::kFail, "is a directory, not a file", "mount the host's claim.conf file itself"},
    {"ClaimConfUnreadable",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\n", 0600);
       s.files[kConf].read_error = EACCES;
     },
     Status::kFail, "exists but cannot be read", "chmod 0640 /etc/netdata/claim.conf"},
    {"ClaimConfGarbageLinesWarn",
     [](FakeSystem& s) { s.AddFile(kConf, "[global]\ntoken = " + kToken + "\nnot a line\n"); },
     Status::kWarn, "line 3 is neither"},
    {"TokenOutsideGlobalFails",
     [](FakeSystem& s) { s.AddFile(kConf, "token = " + kToken + "\n[global]\nurl = x\n"); },
     Status::kFail, "line 1 sets `token` outside the [global] section", "Put `[global]`"},
};

class ClaimConfigTest : public ::testing::TestWithParam<Case> {};

// fault: claiming | NETDATA_CLAIM_URL with http:// (UrlHttpFails) | claim.config fail "uses http://; Netdata Cloud only speaks https", remediation https://app.netdata.cloud
// fault: claiming | NETDATA_CLAIM_URL without a scheme (UrlWithoutSchemeFails) | claim.config fail "has no https:// scheme"
// fault: claiming | NETDATA_CLAIM_URL wrapped in quotes (UrlQuotedFails) | claim.config fail "is wrapped in quotes"
// fault: claiming | NETDATA_CLAIM_URL set but empty (UrlEmptyFails) | claim.config fail "is set but empty"
// fault: claiming | NETDATA_CLAIM_URL with trailing whitespace (UrlWithWhitespaceFails) | claim.config fail "contains whitespace"
// fault: claiming | NETDATA_CLAIM_URL port 99999 (UrlBadPortFails) | claim.config fail "has a bad port"
// fault: claiming | NETDATA_CLAIM_URL with user:password (UrlWithCredentialsWarns) | claim.config warn "contains user credentials"; the password never shown
// fault: claiming | NETDATA_CLAIM_URL copied with a /spaces/… path (UrlWithSpacePathWarns) | claim.config warn "has a path; the agent appends /api/v1/spaces/nodes/<id>"
// fault: claiming | v1 image with the token but no URL (V1TokenWithoutUrlFails) | claim.config fail "v1 images claim only when both … are set", "Set NETDATA_CLAIM_URL=https://app.netdata.cloud as well."
// fault: claiming | v1 image with the URL but no token (V1UrlWithoutTokenFails) | claim.config fail "only NETDATA_CLAIM_URL is", "Set NETDATA_CLAIM_TOKEN"
// fault: claiming | claim.conf only, on a v1 agent (V1IgnoresClaimConf) | claim.config fail "is used only by v2 agents", "upgrade to a v2 image"
// fault: claiming | claim.conf and env on a v1 agent (V1WithClaimConfAndEnvWarnsClaimConfIgnored) | claim.config warn "is ignored by this v1 agent"
// fault: claiming | room name instead of room id (RoomNameInsteadOfIdFails) | claim.config fail "NETDATA_CLAIM_ROOMS item 2 (`General`) is not a room id", "Copy the room ids"
// fault: claiming | NETDATA_CLAIM_ROOMS wrapped in quotes (RoomsQuotedFails) | claim.config fail "is wrapped in quotes"
// fault: proxy | NETDATA_CLAIM_PROXY with credentials (ProxyHttpWithCredentialsIsRedacted) | claim.config pass showing "http://***@proxy.internal:3128"
// fault: proxy | NETDATA_CLAIM_PROXY https:// (ProxyHttpsRejected) | claim.config fail "is an https:// proxy, which the agent's Cloud link does not support", "plain http:// address"
// fault: proxy | NETDATA_CLAIM_PROXY without a scheme, or socks4:// (ProxyWithoutSchemeRejected, ProxySocks4Rejected) | claim.config fail "is not none, env, or an http://"
// fault: proxy | NETDATA_CLAIM_PROXY wrapped in quotes (ProxyQuotedRejected) | claim.config fail "is wrapped in quotes"
// fault: proxy | NETDATA_CLAIM_PROXY port 0 (ProxyBadPortRejected) | claim.config fail "has a bad port"
// fault: claiming | NETDATA_CLAIM_INSECURE=yes (ClaimInsecureEnvIsIgnoredByEveryAgent) | claim.config warn "NETDATA_CLAIM_INSECURE is set, but no agent reads it", fix NETDATA_EXTRA_CLAIM_OPTS=-insecure
// fault: claiming | env token differs from claim.conf's (EnvTokenDiffersFromClaimConf) | claim.config warn "claim.conf token and NETDATA_CLAIM_TOKEN differ", "Keep one source"; no token fragment shown
// fault: claiming | NETDATA_CLAIM_ROOMS beside a claim.conf with a token (EnvRoomsIgnoredWhenClaimConfHasAToken) | claim.config warn "NETDATA_CLAIM_ROOMS is ignored: /etc/netdata/claim.conf has a token"
// fault: claiming | claim.conf without a token plus env token (ClaimConfWithoutTokenIsSkippedWithItsSettings) | claim.config warn: v2 skips claim.conf, its `url`, `proxy` are not used
// fault: claiming | claim.conf root-only 0600 (ClaimConfRootOnlyCannotBeReadByTheAgent) | claim.config fail naming owner, mode and the agent's uid/gid; `chown root:201 … && chmod 0640 …`
// fault: claiming | /etc/netdata 0700 root (ConfigDirNotSearchableByTheAgent) | claim.config fail "cannot reach claim.conf in it"
// fault: claiming | claim.conf is a directory (ClaimConfIsADirectory) | claim.config fail "is a directory, not a file", "mount the host's claim.conf file itself"
// fault: claiming | claim.conf read fails with EACCES (ClaimConfUnreadable) | claim.config fail "exists but cannot be read", `chmod 0640 /etc/netdata/claim.conf`
// fault: claiming | claim.conf garbage line (ClaimConfGarbageLinesWarn) | claim.config warn "line 3 is neither …"
// fault: claiming | claim.conf `token` before [global] (TokenOutsideGlobalFails) | claim.config fail "line 1 sets `token` outside the [global] section", "Put `[global]`"
TEST_P(ClaimConfigTest, Outcome) {
  const Case& c = GetParam();
  FakeSystem sys;
  c.setup(sys);
  Result r = RunOne(kClaimConfig, sys, c.generation);
  ExpectOutcome(r, c.status, c.message, c.remediation);
  const std::string all = r.message + r.remediation + r.details.dump();
  const std::string token_part = kToken.substr(10, 8);
  for (const char* secret : {"secretpw", "user:pass@proxy", token_part.c_str()}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret << " shown: " << all;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ClaimConfigTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

// fault: claiming | NETDATA_EXTRA_CLAIM_OPTS=-insecure on v2.10.4 vs v2.11.0 | claim.config warn "does not turn certificate checks off" on v2.10.4 (inverted strstr), honoured on v2.11.0; never certain
TEST(ClaimConfig, InsecureOptionIsInvertedBeforeV211) {
  FakeSystem sys;
  Docker(sys);
  sys.env["NETDATA_EXTRA_CLAIM_OPTS"] = "-noproxy -insecure";
  Result r = RunWithVersion(kClaimConfig, sys, "v2.11.0");
  EXPECT_TRUE(r.details["insecure"].get<bool>());
  EXPECT_EQ(r.details["source"], "environment");
  EXPECT_EQ(r.status, Status::kPass) << Describe(r);

  r = RunWithVersion(kClaimConfig, sys, "v2.10.4");
  EXPECT_FALSE(r.details["insecure"].get<bool>());
  EXPECT_EQ(r.status, Status::kWarn) << Describe(r);
  EXPECT_FALSE(r.certain);
  EXPECT_NE(r.message.find("does not turn certificate checks off in netdata v2.10.4"),
            std::string::npos)
      << Describe(r);
  EXPECT_NE(r.message.find("`insecure: false`"), std::string::npos) << Describe(r);
  EXPECT_NE(r.remediation.find("`insecure = yes` in claim.conf"), std::string::npos);

  // Any other value turns verification off in v2.0.0-v2.10.x, and nothing in v2.11.0.
  sys.env["NETDATA_EXTRA_CLAIM_OPTS"] = "-noproxy";
  r = RunWithVersion(kClaimConfig, sys, "v2.0.0");
  EXPECT_TRUE(r.details["insecure"].get<bool>());
  EXPECT_NE(r.message.find("turns certificate verification of the claim OFF"), std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.message.find("-noproxy"), std::string::npos) << "the value is never echoed";
  r = RunWithVersion(kClaimConfig, sys, "v2.11.0");
  EXPECT_FALSE(r.details["insecure"].get<bool>());
  EXPECT_EQ(r.status, Status::kPass) << Describe(r);

  // Unknown version: said to depend, never a claim of either.
  sys.env["NETDATA_EXTRA_CLAIM_OPTS"] = "-insecure";
  r = RunWithVersion(kClaimConfig, sys, "");
  EXPECT_TRUE(r.details["insecure"].is_null());
  EXPECT_NE(r.message.find("only in v2.11.0 and later"), std::string::npos) << Describe(r);
}

// Credentials that a URL parser cuts short ('/', '#' in the password, or past the 60 characters
// shown) must still never be printed.
// fault: proxy | proxy password with '/', '#', 80 characters, or a bad port | no part of the password in message, remediation or details
TEST(ClaimConfig, ProxyCredentialsNeverShownEvenWhenTheyBreakTheUrl) {
  for (const std::string& proxy : {std::string("http://user:pa/ss#word@proxy.internal:3128"),
                                   std::string("http://user:pa/ss#word@proxy.internal:notaport"),
                                   "http://user:" + std::string(80, 'P') + "@proxy.internal:3128",
                                   std::string("https://user:pa/ss#word@proxy.internal:3128")}) {
    FakeSystem sys;
    Docker(sys);
    sys.env["NETDATA_CLAIM_PROXY"] = proxy;
    Result r = RunOne(kClaimConfig, sys, "v2");
    const std::string all = r.message + r.remediation + r.details.dump();
    SCOPED_TRACE(proxy);
    EXPECT_EQ(all.find("pa/ss"), std::string::npos) << all;
    EXPECT_EQ(all.find("ss#word"), std::string::npos) << all;
    EXPECT_EQ(all.find("PPPPPPPP"), std::string::npos) << all;
  }
}

}  // namespace
}  // namespace preflight::checks
