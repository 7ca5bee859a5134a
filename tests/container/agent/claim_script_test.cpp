#include "container/agent/claim_script.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace preflight::container {
namespace {

std::string DebianScript() {
  std::ifstream f(std::string(PREFLIGHT_DEPS_DIR) + "/netdata/usr/sbin/netdata-claim.sh");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(ParseClaimScript, DebiansRealScriptRefusesToClaim) {
  std::string text = DebianScript();
  ASSERT_FALSE(text.empty()) << "bootstrap unpacks netdata-core under " << PREFLIGHT_DEPS_DIR;
  ClaimScriptFacts facts = ParseClaimScript(text);
  EXPECT_TRUE(facts.looks_like_claim_script);
  EXPECT_TRUE(facts.disabled_cloud) << "templated `if [ \"no\" = \"no\" ]` before the refusal";
  EXPECT_TRUE(facts.missing_cloud_deps) << "templated `if [ \"\" != \"yes\" ]`";
  EXPECT_FALSE(facts.v2_wrapper);
}

TEST(ParseClaimScript, ACloudBuildTemplatesTheTestsFalse) {
  ClaimScriptFacts facts = ParseClaimScript(
      "CLAIMING_DIR=\"${NETDATA_VARLIB_DIR}/cloud.d\"\n"
      "if [ \"yes\" = \"no\" ]; then\n"
      "    echo >&2 \"This agent was built with --disable-cloud and cannot be claimed\"\n"
      "fi\n"
      "if [ \"yes\" != \"yes\" ]; then\n"
      "    echo >&2 \"This agent was built without the dependencies for Cloud and cannot be "
      "claimed\"\nfi\n");
  EXPECT_TRUE(facts.looks_like_claim_script);
  EXPECT_FALSE(facts.disabled_cloud);
  EXPECT_FALSE(facts.missing_cloud_deps);
}

TEST(ParseClaimScript, ShellVariablesAreNotBuildTimeConstants) {
  ClaimScriptFacts facts = ParseClaimScript(
      "if [ \"$ENABLE\" = \"no\" ]; then\n"
      "  echo \"This agent was built with --disable-cloud and cannot be claimed\"\nfi\n");
  EXPECT_FALSE(facts.disabled_cloud);
}

TEST(ParseClaimScript, V2WrapperIsRecognised) {
  ClaimScriptFacts facts = ParseClaimScript(
      "#!/bin/sh\n# %%NEW_CLAIMING_METHOD%%\nset -e\necho 'WARNING: This script is deprecated'\n"
      "config_dir=/etc/netdata\n# writes claim.conf\n");
  EXPECT_TRUE(facts.v2_wrapper);
  EXPECT_TRUE(facts.looks_like_claim_script);
}

TEST(ParseClaimScript, AnythingElseGivesAllFalse) {
  for (const std::string& text : {std::string(), std::string("#!/bin/sh\nexit 0\n"),
                                  std::string(1 << 16, '\n'), std::string("if [ \"")}) {
    ClaimScriptFacts facts = ParseClaimScript(text);
    EXPECT_FALSE(facts.looks_like_claim_script || facts.v2_wrapper || facts.disabled_cloud ||
                 facts.missing_cloud_deps);
  }
}

}  // namespace
}  // namespace preflight::container
