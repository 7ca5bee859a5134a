#include "checks/claim_settings.h"

#include <gtest/gtest.h>

#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

TEST(ClaimSettings, ClaimConfWinsAsAWholeOverTheEnvironment) {
  testing::FakeSystem sys;
  sys.AddFile(
      "/etc/netdata/claim.conf",
      "[global]\n  url = https://app.example\n  token = conf-token-123456\n  insecure = yes\n");
  sys.env["NETDATA_CLAIM_TOKEN"] = "env-token-123456";
  sys.env["NETDATA_CLAIM_ROOMS"] = "r1";
  ClaimSettings s = LoadClaimSettings(sys, Inputs{});
  EXPECT_EQ(s.source, "claim.conf");
  EXPECT_EQ(s.token.value, "conf-token-123456");
  EXPECT_EQ(s.url.value, "https://app.example");
  EXPECT_FALSE(s.rooms.set) << "env rooms are not mixed into a claim.conf claim";
  EXPECT_TRUE(s.insecure);
  EXPECT_TRUE(s.env_token.set);
  EXPECT_TRUE(s.Wanted());
}

TEST(ClaimSettings, EnvironmentThenCloudDFiles) {
  testing::FakeSystem sys;
  sys.env["NETDATA_CLAIM_TOKEN"] = "env-token-123456";
  sys.env["NETDATA_EXTRA_CLAIM_OPTS"] = "-noproxy  -insecure";
  sys.env["NETDATA_CLAIM_INSECURE"] = "1";
  ClaimSettings s = LoadClaimSettings(sys, Inputs{});
  EXPECT_EQ(s.source, "environment");
  EXPECT_TRUE(s.insecure) << "-insecure in NETDATA_EXTRA_CLAIM_OPTS is honoured";
  EXPECT_TRUE(s.env_insecure_ignored);

  testing::FakeSystem files;
  files.AddFile("/var/lib/netdata/cloud.d/token", "file-token-123456\n");
  ClaimSettings f = LoadClaimSettings(files, Inputs{});
  EXPECT_EQ(f.source, "cloud.d");
  // As the agent sends it: claim_agent_from_split_files() does not trim (claim.token reports it).
  EXPECT_EQ(f.token.value, "file-token-123456\n");
}

TEST(ClaimSettings, NothingConfiguredIsNotWanted) {
  testing::FakeSystem sys;
  ClaimSettings s = LoadClaimSettings(sys, Inputs{});
  EXPECT_FALSE(s.Wanted());
  EXPECT_EQ(s.source, "");
}

TEST(ClaimSettings, UnreadableClaimConfIsRecordedNotFatal) {
  testing::FakeSystem sys;
  sys.AddFile("/etc/netdata/claim.conf", "");
  sys.files["/etc/netdata/claim.conf"].read_error = EACCES;
  ClaimSettings s = LoadClaimSettings(sys, Inputs{});
  EXPECT_TRUE(s.claim_conf_present);
  EXPECT_NE(s.claim_conf_error.find("Permission denied"), std::string::npos);
}

TEST(ClaimSettings, SecretsCoverRawAndUnquotedValues) {
  testing::FakeSystem sys;
  sys.env["NETDATA_CLAIM_TOKEN"] = "\"quoted-token-abcdef\"";
  auto secrets = ClaimSecrets(LoadClaimSettings(sys, Inputs{}));
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "\"quoted-token-abcdef\""), secrets.end());
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "quoted-token-abcdef"), secrets.end());
}

// fault: input | claimed v2 node: cloud.d/cloud.conf holds the claim token in plain text (written by the agent on a successful claim) | ClaimSecrets collects it, so no output shows it; it is no claim source
TEST(ClaimSettings, TokenTheAgentWroteIntoCloudConfIsASecret) {
  testing::FakeSystem sys;
  sys.AddDir("/var/lib/netdata/cloud.d");
  sys.AddFile("/var/lib/netdata/cloud.d/cloud.conf",
              "[global]\n\turl = https://app.netdata.cloud\n\ttoken = written-by-agent-0123456\n"
              "\tclaimed_id = 0a912770-cf4c-41ab-b70b-279f5bd3a94e\n");
  auto s = LoadClaimSettings(sys, Inputs{});
  auto secrets = ClaimSecrets(s);
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "written-by-agent-0123456"), secrets.end());
  EXPECT_TRUE(s.source.empty()) << "cloud.conf's token is not a claim source";
  EXPECT_FALSE(s.Wanted());
  // Without it, nothing is collected (the other side).
  sys.AddFile("/var/lib/netdata/cloud.d/cloud.conf",
              "[global]\n\turl = https://app.netdata.cloud\n");
  EXPECT_TRUE(ClaimSecrets(LoadClaimSettings(sys, Inputs{})).empty());
}

TEST(TokenHint, ShowsLengthAndFourCharactersOnly) {
  EXPECT_EQ(TokenHint("abcdefghijklmnop"), "16 characters, starting \"abcd\"");
  EXPECT_EQ(TokenHint("abc"), "3 characters") << "a short value is not revealed at all";
  EXPECT_EQ(TokenHint("\"abcdefghij\""), "12 characters, starting \"?abc\"");
}

}  // namespace
}  // namespace preflight::checks
