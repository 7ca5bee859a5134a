// container.identity when <var-lib>/preflight/owner.json is a directory: reported, not a lease
// silently switched off.
#include <gtest/gtest.h>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

// fault: identity | owner.json is a directory (no lease can ever be written there) | container.identity warn "is a directory, not the lease file", fix "Remove the directory"
TEST(LeaseDirectory, IsReportedNotSilentlyDisablingTheLease) {
  testing::FakeSystem sys;
  sys.AddDir("/var/lib/netdata").AddDir("/var/lib/netdata/preflight");
  sys.AddDir("/var/lib/netdata/preflight/owner.json");
  Inputs in;
  in.hands_off = true;
  Result r = RunOne(kContainerIdentity, sys, "v2", in);
  std::string all = r.message + " | " + r.remediation + " | " + r.details.dump();
  EXPECT_NE(r.status, Status::kPass) << Describe(r);
  EXPECT_NE(all.find("owner.json is a directory, not the lease file"), std::string::npos) << all;
  EXPECT_NE(all.find("Remove the directory /var/lib/netdata/preflight/owner.json"),
            std::string::npos)
      << all;
  EXPECT_EQ(r.details["lease"]["state"], "directory") << all;
}

}  // namespace
}  // namespace preflight::checks
