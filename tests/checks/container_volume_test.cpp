// container.volume against fake mount tables captured from Docker, Podman and Kubernetes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "checks/docker_fixture.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

std::string Fixture(const std::string& name) { return testing::MountinfoFixture(name); }

testing::FakeSystem Container(const std::string& mountinfo) {
  return testing::DockerContainer(mountinfo);
}

Result RunCheck(testing::FakeSystem& sys, Inputs in = {}) {
  Context ctx(sys, in);
  return kContainerVolume.run(ctx);
}

struct Case {
  const char* name;
  const char* fixture;
  Status want;
  const char* message_has;
  const char* remediation_has;
  const char* var_lib_kind;
};

class VolumeCases : public ::testing::TestWithParam<Case> {};

TEST_P(VolumeCases, Judges) {
  const Case& c = GetParam();
  auto sys = Container(Fixture(c.fixture));
  Result r = RunCheck(sys);
  EXPECT_EQ(StatusName(r.status), StatusName(c.want)) << r.message;
  EXPECT_NE(r.message.find(c.message_has), std::string::npos) << r.message;
  EXPECT_NE(r.remediation.find(c.remediation_has), std::string::npos) << r.remediation;
  ASSERT_EQ(r.details["dirs"].size(), 3u);
  EXPECT_EQ(r.details["dirs"][0]["kind"], c.var_lib_kind);
  EXPECT_EQ(r.details["in_container"], true);
}

INSTANTIATE_TEST_SUITE_P(
    Captures, VolumeCases,
    // Claiming is not configured in these captures: a throw-away var-lib only warns.
    ::testing::Values(Case{"docker_no_volume", "docker_overlay_root.txt", Status::kWarn,
                           "identity and claim are lost on every restart",
                           "-v netdatalib:/var/lib/netdata", "image-layer"},
                      Case{"docker_named_volumes", "docker_named_volume.txt", Status::kPass,
                           "named-volume netdatalib", "", "named-volume"},
                      // /var/lib/netdata bound from the host; the cache is tmpfs: a warning only.
                      Case{"docker_bind_tmpfs_cache", "docker_bind.txt", Status::kWarn,
                           "/var/cache/netdata is on tmpfs", "netdatacache", "bind-mount"},
                      Case{"podman_volume_overlay_cache", "podman_rootless.txt", Status::kWarn,
                           "/etc/netdata is on the container's own layer", "netdataconfig",
                           "named-volume"},
                      Case{"k8s_emptydir", "k8s_emptydir.txt", Status::kWarn, "emptyDir",
                           "PersistentVolumeClaim", "k8s-emptydir"},
                      Case{"k8s_hostpath", "k8s_hostpath.txt", Status::kWarn, "/etc/netdata",
                           "netdataconfig", "bind-mount"},
                      Case{"k8s_pvc", "k8s_pvc.txt", Status::kWarn, "/etc/netdata", "netdataconfig",
                           "bind-mount"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ContainerVolume, NamedVolumeSourceIsInDetails) {
  auto sys = Container(Fixture("docker_named_volume.txt"));
  Result r = RunCheck(sys);
  EXPECT_EQ(r.details["dirs"][0]["volume"], "netdatalib");
  EXPECT_EQ(r.details["dirs"][0]["root"], "/var/lib/docker/volumes/netdatalib/_data");
  EXPECT_EQ(r.details["dirs"][0]["writable_by"].get<std::string>().substr(0, 13), "netdata (201:");
}

// fault: volume | docker run -v /var/lib/netdata (anonymous volume, 64-hex name) | container.volume warn "anonymous Docker volume", says how to tell (docker inspect, 64-hex); never certain; a named volume is not warned
TEST(ContainerVolume, AnonymousVolumeIsWarnedAndToldApart) {
  const std::string anon(64, 'a');
  std::string mi = Fixture("docker_named_volume.txt");
  for (size_t at; (at = mi.find("/volumes/netdatalib/")) != std::string::npos;) {
    mi.replace(at, std::string("/volumes/netdatalib/").size(), "/volumes/" + anon + "/");
  }
  auto sys = Container(mi);
  sys.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 't');
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kWarn) << Describe(r);
  EXPECT_FALSE(r.certain);
  EXPECT_NE(r.message.find("anonymous Docker volume"), std::string::npos) << Describe(r);
  EXPECT_NE(r.remediation.find("docker inspect"), std::string::npos) << Describe(r);
  EXPECT_TRUE(r.details["dirs"][0]["anonymous"].get<bool>());
  // The other side: the named volume of the fixture.
  auto named = Container(Fixture("docker_named_volume.txt"));
  Result n = RunCheck(named);
  EXPECT_EQ(n.message.find("anonymous"), std::string::npos) << Describe(n);
  EXPECT_FALSE(n.details["dirs"][0].contains("anonymous"));
}

TEST(ContainerVolume, ReadOnlyVarLibFails) {
  std::string mi = Fixture("docker_named_volume.txt");
  mi += "1099 1021 259:2 /srv/ro /var/lib/netdata ro,relatime - ext4 /dev/nvme0n1p2 rw\n";
  auto sys = Container(mi);
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("read-only"), std::string::npos) << r.message;
  EXPECT_NE(r.remediation.find("read-write"), std::string::npos);
}

// /var/lib/netdata on tmpfs (`--tmpfs /var/lib/netdata`, an emptyDir with medium Memory): the
// identity and the claim are gone at every restart. Nothing is lost while Cloud is not wanted;
// with a token it fails but does not refuse (a new node each time, not an outage); a claimed
// node's claim in memory is certain to be lost (agent_model `state-in-var-lib`).
TEST(ContainerVolume, TmpfsVarLibByWhatIsAskedFor) {
  auto sys = Container(Fixture("docker_tmpfs_var_lib.txt"));
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kWarn) << r.message;
  ASSERT_EQ(r.details["dirs"].size(), 3u);
  EXPECT_EQ(r.details["dirs"][0]["kind"], "in-memory");
  EXPECT_NE(r.message.find("identity and claim are lost"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("harmless while the node is not claimed"), std::string::npos);

  sys.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 'k');  // a well-formed token
  r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kFail) << r.message;
  EXPECT_FALSE(r.certain) << "not claimed yet: a new node at each restart, not an outage";
  EXPECT_NE(r.remediation.find("-v netdatalib:/var/lib/netdata"), std::string::npos)
      << r.remediation;

  sys.AddFile("/var/lib/netdata/cloud.d/claimed_id", "7d2d7f6e-1b4c-4c8a-9a55-0c6a3d2e8b11\n");
  r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kFail) << r.message;
  EXPECT_TRUE(r.certain) << "a claimed node's claim in memory is lost at the next restart";
  EXPECT_NE(r.certain_because.find("state-in-var-lib"), std::string::npos) << r.certain_because;
}

// An agent up to v1.40 does not chown an existing directory: certain. v1.41+ started as root
// does (tests/checks/never_stop_test.cpp has every side of that boundary).
TEST(ContainerVolume, RootOwnedVolumeIsNotWritableByNetdata) {
  auto sys = Container(Fixture("docker_named_volume.txt"));
  sys.AddDir("/var/lib/netdata", 0755, 0, 0);
  Result r = RunWithVersion(kContainerVolume, sys, "v1.40.1");
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(r.certain);
  EXPECT_EQ(RunWithVersion(kContainerVolume, sys, "v1.41.0").status, Status::kPass);
  EXPECT_NE(r.message.find("not writable by the netdata user (uid 201)"), std::string::npos)
      << r.message;
  EXPECT_NE(r.remediation.find("chown -R 201:201 /var/lib/netdata"), std::string::npos);
  // Group 201 with group write is enough; so is a netdata user of another uid in /etc/passwd.
  sys.AddDir("/var/lib/netdata", 0775, 0, 201);
  EXPECT_EQ(RunCheck(sys).status, Status::kPass);
  sys.AddDir("/var/lib/netdata", 0755, 999, 999);
  sys.AddDir("/var/cache/netdata", 0770, 999, 999);
  sys.AddFile("/etc/passwd",
              "root:x:0:0:root:/root:/bin/sh\nnetdata:x:999:999::/var/lib/netdata:/bin/false\n");
  EXPECT_EQ(RunCheck(sys).status, Status::kPass) << RunCheck(sys).message;
}

// The volume is judged for the user the agent will run as, the same one the claim checks use:
// root starts the agent with `-u $DOCKER_USR`, so an image that sets it is judged for that user.
TEST(ContainerVolume, JudgedForTheDockerUsrTheAgentRunsAs) {
  auto sys = Container(Fixture("docker_named_volume.txt"));
  sys.env["DOCKER_USR"] = "agent";
  sys.AddFile("/etc/passwd",
              "root:x:0:0:root:/root:/bin/sh\nnetdata:x:201:201::/var/lib/netdata:/bin/false\n"
              "agent:x:1000:1000::/home/agent:/bin/false\n");
  sys.AddDir("/var/lib/netdata", 0750, 1000, 1000);
  sys.AddDir("/var/cache/netdata", 0750, 1000, 1000);
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kPass) << r.message;
  EXPECT_EQ(r.details["dirs"][0]["writable_by"],
            "agent (1000:1000, DOCKER_USR, ids from /etc/passwd)");
  // Owned by the image's netdata user, the volume is not writable for `agent` (an agent that
  // does not chown it at start).
  sys.AddDir("/var/lib/netdata", 0750, 201, 201);
  r = RunWithVersion(kContainerVolume, sys, "v1.40.1");
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("not writable by the agent user (uid 1000)"), std::string::npos)
      << r.message;
  EXPECT_NE(r.remediation.find("chown -R 1000:1000 /var/lib/netdata"), std::string::npos)
      << r.remediation;
}

TEST(ContainerVolume, NonRootIsJudgedByAccess) {
  auto sys = Container(Fixture("docker_named_volume.txt"));
  sys.euid = 201;
  sys.files["/var/lib/netdata"].access_error = EACCES;
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("this user (uid 201)"), std::string::npos) << r.message;
  // The fix is for this user: its uid (its group is not known here), or the pod's fsGroup.
  EXPECT_NE(r.remediation.find("chown -R 201 /var/lib/netdata"), std::string::npos)
      << r.remediation;
  EXPECT_NE(r.remediation.find("fsGroup"), std::string::npos) << r.remediation;
}

// fault: volume | a nearly full filesystem (space and inodes) | container.volume warn
TEST(ContainerVolume, LowSpaceAndInodesWarn) {
  auto sys = Container(Fixture("docker_named_volume.txt"));
  container::FsSpace tight;
  tight.bytes_total = 1ull << 30;
  tight.bytes_free = 10ull << 20;
  tight.inodes_total = 5000;
  tight.inodes_free = 12;
  sys.filesystems["/var/lib/netdata"] = tight;
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("only 10 MiB free"), std::string::npos) << r.message;
  EXPECT_NE(r.details["findings"].dump().find("12 free inodes"), std::string::npos);
}

TEST(ContainerVolume, SymlinkedVarLibIsJudgedByItsTarget) {
  auto sys = Container(Fixture("docker_named_volume.txt"));
  sys.files.erase("/var/lib/netdata");
  sys.AddSymlink("/var/lib/netdata", "/data/netdata");
  sys.AddDir("/data");
  sys.AddDir("/data/netdata", 0770, 201, 201);
  Result r = RunCheck(sys);
  EXPECT_EQ(r.details["dirs"][0]["resolved"], "/data/netdata");
  EXPECT_EQ(r.details["dirs"][0]["kind"], "image-layer");
  // Not claimed, not claiming: a throw-away var-lib loses nothing asked for.
  EXPECT_EQ(r.status, Status::kWarn);
  sys.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 'k');
  EXPECT_EQ(RunCheck(sys).status, Status::kFail);
}

TEST(ContainerVolume, ContainerRootThatIsNotAnOverlayOnlyWarns) {
  auto sys = Container("26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("looks like a container (/.dockerenv)"), std::string::npos) << r.message;
}

TEST(ContainerVolume, HostRulesOnAHost) {
  auto sys = Container("26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
  sys.files.erase("/.dockerenv");
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kPass) << r.message;
  EXPECT_EQ(r.details["in_container"], false);
  EXPECT_EQ(r.details["dirs"][0]["kind"], "host-filesystem");
  EXPECT_TRUE(r.details.contains("rules"));
}

TEST(ContainerVolume, AMissingDirectoryIsNamedNotItsParent) {
  auto sys = Container(Fixture("docker_named_volume.txt"));
  sys.files.erase("/var/cache/netdata");
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kWarn);
  const std::string findings = r.details["findings"].dump();
  EXPECT_NE(findings.find("/var/cache/netdata does not exist (it would be on the container's own "
                          "layer"),
            std::string::npos)
      << findings;
  EXPECT_EQ(findings.find("chown"), std::string::npos) << "no chown of /var/cache";
  EXPECT_EQ(r.details["dirs"][2]["exists"], false);
}

// fault: input | /proc/self/mountinfo unreadable | container.volume error naming the file
TEST(ContainerVolume, UnreadableMountinfoIsAnError) {
  testing::FakeSystem sys;
  EXPECT_EQ(RunCheck(sys).status, Status::kError);
}

}  // namespace
}  // namespace preflight::checks
