// claim.conf as read before any judgement: never a FIFO read as "valid defaults", never a
// token cut at 64 KiB, and a symlinked claim.conf is never "fixed" by opening its target.
#include <gtest/gtest.h>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "checks/claim_settings.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using testing::FakeSystem;

constexpr const char* kConf = "/etc/netdata/claim.conf";

// fault: claiming | claim.conf is a FIFO | reported "not a regular file" (claim.config fail), never read as valid defaults, never a hang
TEST(ClaimConfReading, FifoIsReportedNotReadAsDefaults) {
  FakeSystem sys;
  sys.AddFile(kConf, "");
  sys.files[kConf].info.type = container::FileType::kOther;
  ClaimSettings s = LoadClaimSettings(sys, Inputs{});
  EXPECT_TRUE(s.claim_conf_present);
  EXPECT_NE(s.claim_conf_error.find("not a regular file"), std::string::npos) << s.claim_conf_error;
  EXPECT_TRUE(s.Wanted());
  Result r = RunOne(kClaimConfig, sys, "v2");
  EXPECT_EQ(r.status, Status::kFail) << Describe(r);
  EXPECT_NE(r.message.find("not a regular file"), std::string::npos) << Describe(r);
  EXPECT_NE(r.remediation.find("Replace /etc/netdata/claim.conf with a regular file"),
            std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.remediation.find("chmod"), std::string::npos) << Describe(r);
}

// fault: claiming | claim.conf of 70 KiB (a token line, then padding) | reported "larger than 64 KiB", not truncated into a wrong token
TEST(ClaimConfReading, OversizedIsReportedNotTruncated) {
  FakeSystem sys;
  sys.AddFile(kConf, "[global]\ntoken = " + std::string(70 * 1024, 'a') + "\n");
  ClaimSettings s = LoadClaimSettings(sys, Inputs{});
  EXPECT_TRUE(s.claim_conf_present);
  EXPECT_FALSE(s.conf_token.set) << "a cut token would be judged as another token";
  EXPECT_NE(s.claim_conf_error.find("larger than 64 KiB"), std::string::npos) << s.claim_conf_error;
  Result r = RunOne(kClaimConfig, sys, "v2");
  EXPECT_EQ(r.status, Status::kFail) << Describe(r);
  EXPECT_NE(r.remediation.find("with the few lines the docs describe"), std::string::npos)
      << Describe(r);
  // Exactly 64 KiB is still read whole.
  FakeSystem fits;
  const std::string head = "[global]\ntoken = abcdefgh\n";
  fits.AddFile(kConf, head + std::string(64 * 1024 - head.size(), '#'));
  ASSERT_EQ(fits.files[kConf].content.size(), 64u * 1024);
  EXPECT_TRUE(LoadClaimSettings(fits, Inputs{}).conf_token.set);
}

// fault: claiming | claim.conf a symlink to /etc/shadow (0640 root:shadow) | claim.config fail whose fix names the link and its target and says to replace the link; never `chown`/`chmod` (which would open /etc/shadow to the netdata group)
TEST(ClaimConfReading, SymlinkFixNamesLinkAndTargetAndNeverChmodsTheTarget) {
  FakeSystem sys;
  sys.AddDir("/etc", 0755, 0, 0);
  sys.AddDir("/etc/netdata", 0755, 0, 0);
  sys.AddFile("/etc/shadow", "root:*:19000:0:99999:7:::\n", 0640, 0, 42);
  sys.AddSymlink(kConf, "/etc/shadow");
  Result r = RunOne(kClaimConfig, sys, "v2");
  EXPECT_EQ(r.status, Status::kFail) << Describe(r);
  EXPECT_NE(r.remediation.find("Remove the symlink /etc/netdata/claim.conf (it points to "
                               "/etc/shadow)"),
            std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.remediation.find("chmod"), std::string::npos) << Describe(r);
  EXPECT_EQ(r.remediation.find("chown"), std::string::npos) << Describe(r);
  for (const auto& f : r.details.value("findings", Details::array())) {
    EXPECT_EQ(f.get<std::string>().find("chmod"), std::string::npos) << f;
  }
  // An unreadable symlinked claim.conf: the same fix, not "chmod 0640 <link>".
  FakeSystem unreadable;
  unreadable.AddDir("/srv");
  unreadable.AddDir("/etc");
  unreadable.AddDir("/etc/netdata");
  unreadable.AddFile("/srv/claim.conf", "[global]\n", 0600);
  unreadable.files["/srv/claim.conf"].read_error = EACCES;
  unreadable.AddSymlink(kConf, "/srv/claim.conf");
  Result u = RunOne(kClaimConfig, unreadable, "v2");
  EXPECT_EQ(u.status, Status::kFail) << Describe(u);
  EXPECT_NE(u.remediation.find("Remove the symlink /etc/netdata/claim.conf (it points to "
                               "/srv/claim.conf)"),
            std::string::npos)
      << Describe(u);
  EXPECT_EQ(u.remediation.find("chmod"), std::string::npos) << Describe(u);
}

}  // namespace
}  // namespace preflight::checks
