#include "container/host/container_env.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fakes/fake_system.h"

namespace preflight::container {
namespace {

const std::string kId = "4f2a9c1e7b3d5f60a8e2c4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5";

std::string Fixture(const std::string& name) {
  std::ifstream f(std::string(PREFLIGHT_SOURCE_DIR) + "/tests/fixtures/mountinfo/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(ContainerEnv, IdFromCgroupV1AndV2) {
  EXPECT_EQ(ContainerIdFromCgroup("12:memory:/docker/" + kId + "\n11:cpu:/docker/" + kId + "\n"),
            kId);
  EXPECT_EQ(ContainerIdFromCgroup("0::/system.slice/docker-" + kId + ".scope\n"), kId);
  EXPECT_EQ(ContainerIdFromCgroup("0::/kubepods.slice/kubepods-burstable.slice/"
                                  "kubepods-burstable-pod3f6b2a1c.slice/cri-containerd-" +
                                  kId + ".scope\n"),
            kId);
  EXPECT_EQ(ContainerIdFromCgroup("0::/\n"), "");  // cgroup namespace: nothing to see
  EXPECT_EQ(ContainerIdFromCgroup("4:memory:/process_api/66381fe3ca708351ced0ec58439b457d\n"), "");
  EXPECT_EQ(ContainerIdFromCgroup("garbage without colons"), "");
  EXPECT_EQ(RuntimeFromCgroup("0::/system.slice/docker-" + kId + ".scope"), "docker");
  EXPECT_EQ(RuntimeFromCgroup("0::/machine.slice/libpod-" + kId + ".scope"), "podman");
  EXPECT_EQ(RuntimeFromCgroup("0::/kubepods/besteffort/pod1/" + kId), "kubernetes");
  EXPECT_EQ(RuntimeFromCgroup("0::/user.slice"), "");
}

TEST(ContainerEnv, IdFromMountsUnderACgroupNamespace) {
  EXPECT_EQ(ContainerIdFromMounts(ParseMountInfo(Fixture("docker_overlay_root.txt"))), kId);
  EXPECT_EQ(ContainerIdFromMounts(ParseMountInfo(Fixture("podman_rootless.txt"))),
            "8d2f6c1a9b3e4d5f7a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f");
  // Kubernetes: the pod uid, which every container of the pod shares and restarts keep.
  EXPECT_EQ(ContainerIdFromMounts(ParseMountInfo(Fixture("k8s_emptydir.txt"))),
            "k8s-pod-3f6b2a1c-8d4e-4f5a-9b7c-1d2e3f4a5b6c");
  EXPECT_EQ(ContainerIdFromMounts(ParseMountInfo("26 1 254:0 / / rw - ext4 /dev/vda rw\n")), "");
}

TEST(ContainerEnv, SignalsAreReportedStrongestFirst) {
  testing::FakeSystem sys;
  sys.AddFile("/.dockerenv", "");
  sys.AddFile("/proc/self/cgroup", "0::/\n");
  auto env = DetectContainer(sys, ParseMountInfo(Fixture("docker_overlay_root.txt")));
  EXPECT_TRUE(env.in_container);
  EXPECT_TRUE(env.root_is_overlay);
  ASSERT_EQ(env.signals.size(), 2u);
  EXPECT_EQ(env.signals[0], "/.dockerenv");
  EXPECT_EQ(env.signals[1], "overlay root (overlay)");
  EXPECT_EQ(env.runtime, "docker");
  EXPECT_EQ(env.container_id, kId);
  EXPECT_EQ(env.id_source, "mountinfo");
}

TEST(ContainerEnv, PodmanByContainerenvAndEnv) {
  testing::FakeSystem sys;
  sys.AddFile("/run/.containerenv", "engine=\"podman-4.9.3\"\n");
  sys.env["container"] = "podman";
  auto env = DetectContainer(sys, ParseMountInfo(Fixture("podman_rootless.txt")));
  EXPECT_TRUE(env.in_container);
  EXPECT_EQ(env.runtime, "podman");
  EXPECT_EQ(env.signals.front(), "/run/.containerenv");
  EXPECT_NE(std::find(env.signals.begin(), env.signals.end(), "env container=podman"),
            env.signals.end());
}

TEST(ContainerEnv, AHostHasNoSignal) {
  testing::FakeSystem sys;
  sys.AddFile("/proc/self/cgroup", "0::/user.slice/user-1000.slice/session-2.scope\n");
  auto env = DetectContainer(sys, ParseMountInfo("26 1 254:0 / / rw - ext4 /dev/vda rw\n"));
  EXPECT_FALSE(env.in_container);
  EXPECT_TRUE(env.signals.empty());
  EXPECT_EQ(env.container_id, "");
}

TEST(ContainerEnv, HostnameStandsInWhenNoIdIsVisible) {
  testing::FakeSystem sys;
  sys.hostname = "4f2a9c1e7b3d";
  sys.AddFile("/.dockerenv", "");
  auto env = DetectContainer(sys, ParseMountInfo("26 1 254:0 / / rw - ext4 /dev/vda rw\n"));
  EXPECT_TRUE(env.in_container);
  EXPECT_EQ(env.container_id, "4f2a9c1e7b3d");
  EXPECT_EQ(env.id_source, "hostname");
}

}  // namespace
}  // namespace preflight::container
