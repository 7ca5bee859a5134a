// claim.token against a fake environment and claim.conf: every malformation the issue names.
#include <gtest/gtest.h>

#include <functional>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using testing::FakeSystem;

/// A well-formed token: 135 characters of the base64url alphabet, varied like a real one.
std::string GoodToken(unsigned seed = 7) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::string t;
  for (unsigned i = 0; i < 135; ++i) t += kAlphabet[(i * 37 + seed * 11 + i * i) % 64];
  return t;
}
const std::string kGood = GoodToken();

std::string With(const std::string& insert) {  // kGood with `insert` at position 61
  return kGood.substr(0, 60) + insert + kGood.substr(60);
}
constexpr const char* kConf = "/etc/netdata/claim.conf";
constexpr const char* kId = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

struct Case {
  const char* name;
  std::function<void(FakeSystem&)> setup;
  Status status;
  const char* message;
  const char* remediation = "";
  const char* generation = "v2";
};

void Env(FakeSystem& s, const std::string& token) { s.env["NETDATA_CLAIM_TOKEN"] = token; }

const Case kCases[] = {
    {"NotClaimingNotClaimedIsSkipped", [](FakeSystem&) {}, Status::kSkip,
     "claiming is not configured"},
    {"WellFormedPasses", [](FakeSystem& s) { Env(s, kGood); }, Status::kPass,
     "claim token from NETDATA_CLAIM_TOKEN is well-formed (135 characters, starting \""},
    {"Empty", [](FakeSystem& s) { Env(s, ""); }, Status::kFail,
     "NETDATA_CLAIM_TOKEN is set but empty", "Copy the claim token again"},
    {"OnlyWhitespace", [](FakeSystem& s) { Env(s, " \t \n"); }, Status::kFail,
     "contains only whitespace"},
    {"DoubleQuotesFromComposeListSyntax", [](FakeSystem& s) { Env(s, "\"" + kGood + "\""); },
     Status::kFail, "is wrapped in quotes", "docker-compose list syntax"},
    {"SingleQuotes", [](FakeSystem& s) { Env(s, "'" + kGood + "'"); }, Status::kFail,
     "is wrapped in quotes"},
    {"QuotesInClaimConf",
     [](FakeSystem& s) { s.AddFile(kConf, "[global]\n  token = \"" + kGood + "\"\n"); },
     Status::kFail, "claim.conf token is wrapped in quotes", "`token` in claim.conf"},
    {"TrailingNewlineFromASecretFile", [](FakeSystem& s) { Env(s, kGood + "\n"); }, Status::kFail,
     "ends with a line break", "printf %s"},
    {"LeadingSpace", [](FakeSystem& s) { Env(s, " " + kGood); }, Status::kFail,
     "leading or trailing whitespace"},
    {"EmbeddedSpace", [](FakeSystem& s) { Env(s, With(" ")); }, Status::kFail,
     "contains a space at position 61"},
    {"EmbeddedNewlineWrappedToken", [](FakeSystem& s) { Env(s, With("\n")); }, Status::kFail,
     "contains a line break at position 61"},
    {"EmbeddedTab", [](FakeSystem& s) { Env(s, With("\t")); }, Status::kFail,
     "contains a tab at position 61"},
    {"BadCharacter", [](FakeSystem& s) { Env(s, With("!")); }, Status::kFail,
     "contains '!' at position 61; the agent and Cloud accept only"},
    {"TypographicCharacter", [](FakeSystem& s) { Env(s, With("\xe2\x80\x94")); }, Status::kFail,
     "a non-ASCII byte"},
    {"ControlCharacter", [](FakeSystem& s) { Env(s, With("\x07")); }, Status::kFail,
     "a control character (byte 7)"},
    {"CarriageReturnInside", [](FakeSystem& s) { Env(s, With("\r")); }, Status::kFail,
     "a line break at position 61"},
    {"AcceptedButUnusualCharacterWarns", [](FakeSystem& s) { Env(s, With(".")); }, Status::kWarn,
     "Netdata Cloud tokens use only letters, digits, _ and -"},
    {"PlaceholderAngleToken", [](FakeSystem& s) { Env(s, "<TOKEN>"); }, Status::kFail,
     "placeholder text", "Replace the placeholder"},
    {"PlaceholderYourClaimToken", [](FakeSystem& s) { Env(s, "YOUR_CLAIM_TOKEN"); }, Status::kFail,
     "placeholder text"},
    {"PlaceholderWithSpaces", [](FakeSystem& s) { Env(s, "<your claim token>"); }, Status::kFail,
     "placeholder text"},
    {"PlaceholderUnexpandedVariable", [](FakeSystem& s) { Env(s, "${NETDATA_CLAIM_TOKEN}"); },
     Status::kFail, "placeholder text"},
    {"PlaceholderDollarVariable", [](FakeSystem& s) { Env(s, "$CLAIM_TOKEN"); }, Status::kFail,
     "placeholder text"},
    {"PlaceholderRepeatedCharacter", [](FakeSystem& s) { Env(s, std::string(135, 'x')); },
     Status::kFail, "placeholder text"},
    {"PlaceholderInClaimConf",
     [](FakeSystem& s) { s.AddFile(kConf, "[global]\ntoken = changeme\n"); }, Status::kFail,
     "claim.conf token is placeholder text"},
    {"TooShortWarns", [](FakeSystem& s) { Env(s, kGood.substr(0, 40)); }, Status::kWarn,
     "is 40 characters long"},
    {"PastedTwiceWarns", [](FakeSystem& s) { Env(s, kGood + kGood); }, Status::kWarn,
     "is 270 characters long"},
    {"ClaimConfWithoutToken", [](FakeSystem& s) { s.AddFile(kConf, "[global]\nrooms = \n"); },
     Status::kFail, "/etc/netdata/claim.conf exists but has no `token`"},
    {"UrlWithoutToken",
     [](FakeSystem& s) { s.env["NETDATA_CLAIM_URL"] = "https://app.netdata.cloud"; }, Status::kFail,
     "NETDATA_CLAIM_URL is set but NETDATA_CLAIM_TOKEN is not"},
    {"UnreadableClaimConfIsLeftToClaimConfig",
     [](FakeSystem& s) {
       s.AddFile(kConf, "");
       s.files[kConf].read_error = EACCES;
     },
     Status::kSkip, "is unreadable (see claim.config)"},
    {"AlreadyClaimedNeedsNoToken",
     [](FakeSystem& s) { s.AddFile("/var/lib/netdata/cloud.d/claimed_id", kId); }, Status::kPass,
     "no claim token set; the node is already claimed"},
    {"AlreadyClaimedWithBadTokenWarns",
     [](FakeSystem& s) {
       s.AddFile("/var/lib/netdata/cloud.d/claimed_id", kId);
       Env(s, "\"" + kGood + "\"");
     },
     Status::kWarn, "already claimed (cloud.d/claimed_id) and the token is not used again"},
    {"CorruptClaimedIdDoesNotHideABadToken",
     [](FakeSystem& s) {
       s.AddFile("/var/lib/netdata/cloud.d/claimed_id", "garbage");
       Env(s, "<TOKEN>");
     },
     Status::kFail, "placeholder text"},
    {"V2UsesClaimConfOverEnvironment",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\ntoken = " + kGood + "\n");
       Env(s, "<TOKEN>");
     },
     Status::kPass, "claim token from claim.conf token is well-formed"},
    {"V1UsesTheEnvironmentOnly",
     [](FakeSystem& s) {
       s.AddFile(kConf, "[global]\ntoken = " + kGood + "\n");
       Env(s, "<TOKEN>");
     },
     Status::kFail, "NETDATA_CLAIM_TOKEN is placeholder text", "", "v1"},
    {"V1IgnoresAClaimConfToken",
     [](FakeSystem& s) { s.AddFile(kConf, "[global]\ntoken = " + kGood + "\n"); }, Status::kSkip,
     "this v1 agent takes the token only from NETDATA_CLAIM_TOKEN", "", "v1"},
    {"CloudDTokenFile", [](FakeSystem& s) { s.AddFile("/var/lib/netdata/cloud.d/token", kGood); },
     Status::kPass, "claim token from cloud.d/token is well-formed"},
    // The agent sends cloud.d/token as it reads it (read_by_filename(), no trim).
    {"CloudDTokenFileWithTrailingNewline",
     [](FakeSystem& s) { s.AddFile("/var/lib/netdata/cloud.d/token", kGood + "\n"); },
     Status::kFail, "cloud.d/token ends with a line break"},
};

class ClaimTokenTest : public ::testing::TestWithParam<Case> {};

// fault: claiming | NETDATA_CLAIM_TOKEN set but empty (Empty) | claim.token fail "NETDATA_CLAIM_TOKEN is set but empty", "Copy the claim token again"
// fault: claiming | token only whitespace (OnlyWhitespace) | claim.token fail "contains only whitespace"
// fault: claiming | cloud.d/token written with echo (CloudDTokenFileWithTrailingNewline) | claim.token fail "cloud.d/token ends with a line break": the agent sends the file as read
// fault: claiming | token in double quotes from compose list syntax (DoubleQuotesFromComposeListSyntax) | claim.token fail "is wrapped in quotes", remediation names docker-compose list syntax
// fault: claiming | token in single quotes (SingleQuotes) | claim.token fail "is wrapped in quotes"
// fault: claiming | quoted token in claim.conf (QuotesInClaimConf) | claim.token fail "claim.conf token is wrapped in quotes"
// fault: claiming | token with a trailing newline from a secret file (TrailingNewlineFromASecretFile) | claim.token fail "ends with a line break", remediation `printf %s`
// fault: claiming | token with a leading space (LeadingSpace) | claim.token fail "leading or trailing whitespace"
// fault: claiming | space, line break, tab or CR inside the token (EmbeddedSpace, EmbeddedNewlineWrappedToken, EmbeddedTab, CarriageReturnInside) | claim.token fail naming the character and "at position 61"
// fault: claiming | '!' inside the token (BadCharacter) | claim.token fail "contains '!' at position 61; the agent and Cloud accept only …"
// fault: claiming | typographic dash (UTF-8) inside the token (TypographicCharacter) | claim.token fail naming "a non-ASCII byte"
// fault: claiming | control character (BEL) inside the token (ControlCharacter) | claim.token fail "a control character (byte 7)"
// fault: claiming | '.' inside the token (AcceptedButUnusualCharacterWarns) | claim.token warn "Netdata Cloud tokens use only letters, digits, _ and -"
// fault: claiming | placeholder token: <TOKEN>, YOUR_CLAIM_TOKEN, <your claim token>, ${NETDATA_CLAIM_TOKEN}, $CLAIM_TOKEN, 135×x, changeme in claim.conf (Placeholder*) | claim.token fail "placeholder text", "Replace the placeholder"
// fault: claiming | token truncated to 40 characters (TooShortWarns) | claim.token warn "is 40 characters long"
// fault: claiming | token pasted twice (PastedTwiceWarns) | claim.token warn "is 270 characters long"
// fault: claiming | claim.conf without `token` (ClaimConfWithoutToken) | claim.token fail "/etc/netdata/claim.conf exists but has no `token`"
// fault: claiming | NETDATA_CLAIM_URL without NETDATA_CLAIM_TOKEN (UrlWithoutToken) | claim.token fail "NETDATA_CLAIM_URL is set but NETDATA_CLAIM_TOKEN is not"
// fault: claiming | bad token on an already claimed node (AlreadyClaimedWithBadTokenWarns) | claim.token warn "already claimed (cloud.d/claimed_id) and the token is not used again"
// fault: claiming | placeholder token beside a corrupt claimed_id (CorruptClaimedIdDoesNotHideABadToken) | claim.token fail "placeholder text"
// fault: claiming | good token in claim.conf, placeholder in env, v1 agent (V1UsesTheEnvironmentOnly) | claim.token fail "NETDATA_CLAIM_TOKEN is placeholder text"
// fault: input | claim token in env or claim.conf, every claim.token case | no 6-character window of the token in message, remediation or details
TEST_P(ClaimTokenTest, Outcome) {
  const Case& c = GetParam();
  FakeSystem sys;
  c.setup(sys);
  Result r = RunOne(kClaimToken, sys, c.generation);
  ExpectOutcome(r, c.status, c.message, c.remediation);
  // Never more than the first 4 characters of the token.
  const std::string all = r.message + r.remediation + r.details.dump();
  for (size_t i = 0; i + 6 <= kGood.size(); ++i) {
    EXPECT_EQ(all.find(kGood.substr(i, 6)), std::string::npos) << "token shown: " << all;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ClaimTokenTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ClaimToken, DetailsRecordWantedClaimedAndOnlyAHint) {
  FakeSystem sys;
  Env(sys, kGood);
  Result r = RunOne(kClaimToken, sys, "v2");
  EXPECT_TRUE(r.details["wanted"].get<bool>());
  EXPECT_FALSE(r.details["claimed"].get<bool>());
  EXPECT_EQ(r.details["length"].get<size_t>(), 135u);
  EXPECT_EQ(r.details["hint"], "135 characters, starting \"" + kGood.substr(0, 4) + "\"");
  EXPECT_EQ(r.details["source"], "NETDATA_CLAIM_TOKEN");
}

// fault: claiming | placeholder token with a trailing newline | claim.token fail "ends with a line break" (the whitespace is named first)
TEST(ClaimToken, WhitespaceAroundAPlaceholderIsStillNamedAsWhitespace) {
  // The fix for a trailing newline is the same whatever the text: strip it first.
  FakeSystem sys;
  Env(sys, "<TOKEN>\n");
  Result r = RunOne(kClaimToken, sys, "v2");
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("ends with a line break"), std::string::npos) << Describe(r);
}

}  // namespace
}  // namespace preflight::checks
