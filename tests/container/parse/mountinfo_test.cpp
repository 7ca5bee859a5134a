// ParseMountInfo and FindMountFor on mountinfo captured from Docker, Podman and Kubernetes.
#include "container/parse/mountinfo.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "container/host/volume_kind.h"

namespace preflight::container {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream f(std::string(PREFLIGHT_SOURCE_DIR) + "/tests/fixtures/mountinfo/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << name;
  return ss.str();
}

TEST(MountInfo, ParsesEveryFieldOfALine) {
  auto t = ParseMountInfo(
      "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n");
  ASSERT_EQ(t.mounts.size(), 1u);
  const auto& m = t.mounts[0];
  EXPECT_EQ(m.mount_id, 36);
  EXPECT_EQ(m.parent_id, 35);
  EXPECT_EQ(m.device, "98:0");
  EXPECT_EQ(m.root, "/mnt1");
  EXPECT_EQ(m.mount_point, "/mnt2");
  EXPECT_EQ(m.mount_options, "rw,noatime");
  EXPECT_EQ(m.optional_fields, (std::vector<std::string>{"master:1", "shared:7"}));
  EXPECT_EQ(m.fs_type, "ext3");
  EXPECT_EQ(m.source, "/dev/root");
  EXPECT_EQ(m.super_options, "rw,errors=continue");
  EXPECT_FALSE(m.ReadOnly());
  EXPECT_EQ(t.malformed, 0u);
}

TEST(MountInfo, NoOptionalFieldsAndReadOnly) {
  auto t = ParseMountInfo("1 0 0:1 / /ro ro,relatime - tmpfs tmpfs rw\n");
  ASSERT_EQ(t.mounts.size(), 1u);
  EXPECT_TRUE(t.mounts[0].optional_fields.empty());
  EXPECT_TRUE(t.mounts[0].ReadOnly());
  auto super_ro = ParseMountInfo("1 0 0:1 / /x rw - squashfs /dev/loop0 ro\n");
  EXPECT_TRUE(super_ro.mounts.at(0).ReadOnly());
}

TEST(MountInfo, UnescapesOctal) {
  EXPECT_EQ(UnescapeMountField("/srv/my\\040data"), "/srv/my data");
  EXPECT_EQ(UnescapeMountField("a\\011b\\012c\\134d"), "a\tb\nc\\d");
  EXPECT_EQ(UnescapeMountField("trailing\\04"), "trailing\\04");  // incomplete: kept
  EXPECT_EQ(UnescapeMountField("\\999"), "\\999");                // not octal: kept
  auto t = ParseMountInfo("5 1 8:1 /a\\040b /mnt/with\\040space rw - ext4 /dev/sd\\040a rw\n");
  ASSERT_EQ(t.mounts.size(), 1u);
  EXPECT_EQ(t.mounts[0].mount_point, "/mnt/with space");
  EXPECT_EQ(t.mounts[0].root, "/a b");
  EXPECT_EQ(t.mounts[0].source, "/dev/sd a");
}

TEST(MountInfo, MalformedLinesAreCountedNotFatal) {
  auto t = ParseMountInfo(
      "garbage\n"
      "1 0 0:1 / / rw - ext4\n"                   // no source after the type
      "1 0 0:1 / / rw master:1 ext4 /dev/a rw\n"  // no separator
      "x 0 0:1 / / rw - ext4 /dev/a rw\n"         // id not a number
      "2 1 0:2 / relative rw - ext4 /dev/a rw\n"  // mount point not absolute
      "\n"
      "3 1 0:3 / /ok rw - ext4 /dev/a\n");  // super options may be missing
  EXPECT_EQ(t.malformed, 5u);
  ASSERT_EQ(t.mounts.size(), 1u);
  EXPECT_EQ(t.mounts[0].mount_point, "/ok");
}

TEST(MountInfo, LongestPrefixIsComponentWise) {
  auto t = ParseMountInfo(
      "1 0 0:1 / / rw - overlay overlay rw\n"
      "2 1 0:2 / /var/lib rw - ext4 /dev/a rw\n"
      "3 1 0:3 / /var/library rw - ext4 /dev/b rw\n"
      "4 2 0:4 / /var/lib/netdata/ rw - ext4 /dev/c rw\n");
  EXPECT_EQ(FindMountFor(t, "/var/lib/netdata")->source, "/dev/c");
  EXPECT_EQ(FindMountFor(t, "/var/lib/netdata/registry/x")->source, "/dev/c");
  EXPECT_EQ(FindMountFor(t, "/var/lib/netdatax")->source, "/dev/a");
  EXPECT_EQ(FindMountFor(t, "/var/libx")->source, "overlay");
  EXPECT_EQ(FindMountFor(t, "/var/library/y")->source, "/dev/b");
  EXPECT_EQ(FindMountFor(t, "/")->source, "overlay");
  EXPECT_EQ(FindMountFor(t, "relative"), nullptr);
}

TEST(MountInfo, TheTopOfAStackedMountPointWins) {
  auto t = ParseMountInfo(
      "1 0 0:1 / / rw - ext4 /dev/a rw\n"
      "2 1 0:2 / /data rw - ext4 /dev/b rw\n"
      "3 2 0:3 / /data rw - tmpfs tmpfs rw\n");
  EXPECT_EQ(FindMountFor(t, "/data/x")->fs_type, "tmpfs");
}

TEST(MountInfo, OptionHelpers) {
  EXPECT_TRUE(HasMountOption("rw,ro", "ro"));
  EXPECT_FALSE(HasMountOption("rw,errors=remount-ro", "ro"));
  EXPECT_TRUE(HasMountOption("size=1k,mode=755", "mode"));
  EXPECT_EQ(MountOptionValue("rw,upperdir=/u,workdir=/w", "upperdir"), "/u");
  EXPECT_EQ(MountOptionValue("rw", "upperdir"), "");
}

struct Capture {
  const char* file;
  const char* path;
  const char* mount_point;
  const char* fs_type;
  VolumeKind kind;
};

class Captures : public ::testing::TestWithParam<Capture> {};

TEST_P(Captures, FindsTheMountAndItsKind) {
  const Capture& c = GetParam();
  auto t = ParseMountInfo(Fixture(c.file));
  EXPECT_EQ(t.malformed, 0u);
  const MountEntry* m = FindMountFor(t, c.path);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->mount_point, c.mount_point);
  EXPECT_EQ(m->fs_type, c.fs_type);
  EXPECT_EQ(VolumeKindName(ClassifyMount(*m, true)), VolumeKindName(c.kind))
      << c.file << " " << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    DockerPodmanKubernetes, Captures,
    ::testing::Values(
        Capture{"docker_overlay_root.txt", "/var/lib/netdata", "/", "overlay",
                VolumeKind::kImageLayer},
        Capture{"docker_named_volume.txt", "/var/lib/netdata/registry", "/var/lib/netdata", "ext4",
                VolumeKind::kNamedVolume},
        Capture{"docker_named_volume.txt", "/etc/netdata", "/etc/netdata", "ext4",
                VolumeKind::kNamedVolume},
        Capture{"docker_named_volume.txt", "/host/proc/1", "/host/proc", "proc",
                VolumeKind::kBindMount},
        Capture{"docker_bind.txt", "/var/lib/netdata", "/var/lib/netdata", "xfs",
                VolumeKind::kBindMount},
        Capture{"docker_bind.txt", "/var/cache/netdata", "/var/cache/netdata", "tmpfs",
                VolumeKind::kInMemory},
        Capture{"podman_rootless.txt", "/var/lib/netdata", "/var/lib/netdata", "ext4",
                VolumeKind::kNamedVolume},
        Capture{"podman_rootless.txt", "/var/cache/netdata", "/var/cache/netdata", "overlay",
                VolumeKind::kImageLayer},
        Capture{"podman_rootless.txt", "/etc/netdata", "/", "overlay", VolumeKind::kImageLayer},
        Capture{"k8s_emptydir.txt", "/var/lib/netdata", "/var/lib/netdata", "ext4",
                VolumeKind::kK8sEmptyDir},
        Capture{"k8s_emptydir.txt", "/var/cache/netdata", "/var/cache/netdata", "tmpfs",
                VolumeKind::kInMemory},
        Capture{"k8s_hostpath.txt", "/var/lib/netdata", "/var/lib/netdata", "ext4",
                VolumeKind::kBindMount},
        Capture{"k8s_pvc.txt", "/var/lib/netdata", "/var/lib/netdata", "ext4",
                VolumeKind::kBindMount},
        Capture{"k8s_pvc.txt", "/var/cache/netdata", "/var/cache/netdata", "nfs4",
                VolumeKind::kK8sPersistent},
        Capture{"k8s_projected.txt", "/var/run/secrets/kubernetes.io/serviceaccount/token",
                "/var/run/secrets/kubernetes.io/serviceaccount", "tmpfs",
                VolumeKind::kK8sProjected},
        Capture{"k8s_projected.txt", "/etc/netdata/netdata.conf", "/etc/netdata", "ext4",
                VolumeKind::kK8sProjected},
        Capture{"k8s_projected.txt", "/etc/netdata/go.d.conf", "/etc/netdata/go.d.conf", "ext4",
                VolumeKind::kBindMount}));

TEST(MountInfo, DockerBindKeepsTheSpaceInTheHostPathAndTheReadOnlyFlag) {
  auto t = ParseMountInfo(Fixture("docker_bind.txt"));
  const MountEntry* lib = FindMountFor(t, "/var/lib/netdata");
  ASSERT_NE(lib, nullptr);
  EXPECT_EQ(lib->root, "/srv/netdata data/lib");
  EXPECT_EQ(lib->optional_fields.size(), 2u);
  EXPECT_FALSE(lib->ReadOnly());
  EXPECT_TRUE(FindMountFor(t, "/etc/netdata")->ReadOnly());
  EXPECT_EQ(NamedVolumeName(*FindMountFor(ParseMountInfo(Fixture("docker_named_volume.txt")),
                                          "/var/lib/netdata")),
            "netdatalib");
}

TEST(VolumeKind, AnonymousVolumesHave64HexNames) {
  EXPECT_TRUE(
      IsAnonymousVolumeName("3f1c9e5b2a7d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7"));
  EXPECT_FALSE(IsAnonymousVolumeName("netdatalib"));
  EXPECT_FALSE(IsAnonymousVolumeName(std::string(63, 'a')));
  EXPECT_FALSE(IsAnonymousVolumeName(std::string(64, 'A')));  // Docker writes lowercase hex
  EXPECT_FALSE(IsAnonymousVolumeName(std::string(64, 'g')));
}

TEST(VolumeKind, HostRulesOutsideAContainer) {
  auto t = ParseMountInfo(
      "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
      "30 26 0:27 / /run rw - tmpfs tmpfs rw\n");
  EXPECT_EQ(ClassifyMount(*FindMountFor(t, "/var/lib/netdata"), false),
            VolumeKind::kHostFilesystem);
  EXPECT_EQ(ClassifyMount(*FindMountFor(t, "/var/lib/netdata"), true), VolumeKind::kContainerRoot);
  EXPECT_EQ(ClassifyMount(*FindMountFor(t, "/run/netdata"), false), VolumeKind::kInMemory);
  EXPECT_TRUE(IsPersistent(VolumeKind::kHostFilesystem));
  EXPECT_FALSE(IsPersistent(VolumeKind::kContainerRoot));
  EXPECT_FALSE(IsPersistent(VolumeKind::kK8sEmptyDir));
}

}  // namespace
}  // namespace preflight::container
