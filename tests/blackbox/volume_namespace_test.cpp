// Black-box: container.volume in real mount namespaces (`unshare -m`): the directories are made
// tmpfs, bind mounts, overlays, read-only binds and paths with spaces, as a container runtime
// would mount volumes, then the static binary judges them from /proc/self/mountinfo.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

using Json = nlohmann::json;

bool CanUnshareMounts() {
  auto r = RunProcess({"/usr/bin/unshare", "-m", "/bin/true"});
  return r.exit_code == 0;
}

/// The netdata user of /etc/passwd, else the image's 201:201 (read by hand: getpwnam needs
/// NSS libraries a static test binary does not have).
struct Netdata {
  unsigned uid = 201, gid = 201;
  Netdata() {
    std::ifstream passwd("/etc/passwd");
    std::string line;
    while (std::getline(passwd, line)) {
      if (sscanf(line.c_str(), "netdata:%*[^:]:%u:%u:", &uid, &gid) == 2) break;
    }
  }
};

/// Runs `setup` (sh, with $VL $CD $CA the three directories) in a new mount namespace, then the
/// binary's container.volume check on them; returns the check's JSON.
Json VolumeCheckIn(const std::string& setup, const std::string& vl, const std::string& cd,
                   const std::string& ca, ProcessResult* raw = nullptr) {
  const std::string script = "set -e; " + setup +
                             "; exec \"$BIN\" check --only container.volume --format json"
                             " --var-lib \"$VL\" --config-dir \"$CD\" --cache-dir \"$CA\"";
  auto r =
      RunProcess({"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", script},
                 {{"BIN", BinaryPath()},
                  {"VL", vl},
                  {"CD", cd},
                  {"CA", ca},
                  {"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}});
  if (raw != nullptr) *raw = r;
  Json doc = Json::parse(r.out, nullptr, false);
  if (doc.is_discarded() || !doc.contains("checks") || doc["checks"].empty()) {
    ADD_FAILURE() << "no report: exit " << r.exit_code << " " << r.err << r.out;
    return Json::object();
  }
  return doc["checks"][0];
}

class NamespaceContainer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!IsRoot()) GTEST_SKIP() << "mount namespaces need root";
    if (!CanUnshareMounts()) GTEST_SKIP() << "this kernel refuses unshare(CLONE_NEWNS)";
    vl = dir.Mkdir("var/lib/netdata", 0770);
    cd = dir.Mkdir("etc/netdata");
    ca = dir.Mkdir("var/cache/netdata", 0770);
    src = dir.Mkdir("host/lib", 0770);
    src_cd = dir.Mkdir("host/etc");
    src_ca = dir.Mkdir("host/cache", 0770);
    for (const auto& p : {vl, ca, src, src_ca}) ASSERT_EQ(chown(p.c_str(), nd.uid, nd.gid), 0);
  }
  /// Binds the host config and cache dirs too, so that only /var/lib/netdata is judged.
  std::string BindOthers() const {
    return "mount --bind \"$SRC_CD\" \"$CD\"; mount --bind \"$SRC_CA\" \"$CA\"";
  }
  Json Check(const std::string& setup) {
    std::string exports = "SRC='" + src + "' SRC_CD='" + src_cd + "' SRC_CA='" + src_ca +
                          "' TMP='" + dir.path() + "'; ";
    return VolumeCheckIn(exports + setup, vl, cd, ca);
  }
  TempDir dir;
  Netdata nd;
  std::string vl, cd, ca, src, src_cd, src_ca;
};

// fault: volume | /var/lib/netdata on tmpfs (mount namespace) | claiming: container.volume fail (identity and claim lost on every restart, -v netdatalib fix), not certain before the node is claimed; not claiming: warn
TEST_F(NamespaceContainer, TmpfsVarLibFails) {
  const std::string tmpfs = "mount -t tmpfs -o mode=0770,uid=" + std::to_string(nd.uid) +
                            " tmpfs \"$VL\"; " + BindOthers();
  EXPECT_EQ(Check(tmpfs)["status"], "warn") << "nothing asked for is lost without claiming";
  Json c = Check("export NETDATA_CLAIM_TOKEN=" + FakeClaimToken() + "; " + tmpfs);
  EXPECT_EQ(c["status"], "fail") << c.dump(2);
  EXPECT_EQ(c["details"]["certain"], false)
      << "not claimed yet: a new node each time, not an outage";
  EXPECT_EQ(c["details"]["dirs"][0]["kind"], "in-memory");
  EXPECT_EQ(c["details"]["dirs"][0]["mount_point"], vl);
  EXPECT_NE(c["message"].get<std::string>().find("identity and claim are lost"), std::string::npos);
  EXPECT_NE(c["remediation"].get<std::string>().find("-v netdatalib:/var/lib/netdata"),
            std::string::npos);
}

TEST_F(NamespaceContainer, BindMountedVolumesPassWithTheirSource) {
  Json c = Check("mount --bind \"$SRC\" \"$VL\"; " + BindOthers());
  EXPECT_EQ(c["status"], "pass") << c.dump(2);
  EXPECT_EQ(c["details"]["dirs"][0]["mount_point"], vl);
  // The mount's root inside its filesystem ends with the host directory that was bound.
  const std::string root = c["details"]["dirs"][0]["root"];
  EXPECT_EQ(root.substr(root.size() - std::string("/host/lib").size()), "/host/lib") << root;
}

// fault: volume | /var/lib/netdata on the container's overlay root (mount namespace), claiming configured | container.volume fail: not persistent
TEST_F(NamespaceContainer, OverlayVarLibFails) {
  std::ifstream fs("/proc/filesystems");
  std::string all((std::istreambuf_iterator<char>(fs)), std::istreambuf_iterator<char>());
  if (all.find("\toverlay\n") == std::string::npos) GTEST_SKIP() << "this kernel has no overlayfs";
  Json c = Check("export NETDATA_CLAIM_TOKEN=" + FakeClaimToken() +
                 "; mkdir -p \"$TMP/lower\" \"$TMP/upper\" \"$TMP/work\"; "
                 "mount -t overlay overlay -o lowerdir=\"$TMP/lower\",upperdir=\"$TMP/upper\","
                 "workdir=\"$TMP/work\" \"$VL\"; chown " +
                 std::to_string(nd.uid) + " \"$VL\"; " + BindOthers());
  EXPECT_EQ(c["status"], "fail") << c.dump(2);
  EXPECT_EQ(c["details"]["dirs"][0]["kind"], "image-layer");
  EXPECT_EQ(c["details"]["dirs"][0]["fs_type"], "overlay");
}

// fault: volume | /var/lib/netdata bind-mounted read-only | container.volume fail: read-only
TEST_F(NamespaceContainer, ReadOnlyBindFails) {
  Json c =
      Check("mount --bind \"$SRC\" \"$VL\"; mount -o remount,bind,ro \"$VL\"; " + BindOthers());
  EXPECT_EQ(c["status"], "fail") << c.dump(2);
  EXPECT_EQ(c["details"]["dirs"][0]["read_only"], true);
  EXPECT_NE(c["message"].get<std::string>().find("read-only"), std::string::npos) << c["message"];
}

// fault: volume | a root-owned volume at /var/lib/netdata, agent version unknown | container.volume warn: not writable by the netdata user now, v1.41+ started as root chowns it at start, chown fix
TEST_F(NamespaceContainer, RootOwnedBindIsNotWritableByNetdata) {
  ASSERT_EQ(chown(src.c_str(), 0, 0), 0);
  ASSERT_EQ(chmod(src.c_str(), 0755), 0);
  Json c = Check("mount --bind \"$SRC\" \"$VL\"; " + BindOthers());
  EXPECT_EQ(c["status"], "warn") << c.dump(2);
  EXPECT_NE(c["message"].get<std::string>().find("not writable by the netdata user"),
            std::string::npos);
  EXPECT_NE(c["message"].get<std::string>().find("the agent's version is unknown"),
            std::string::npos);
}

// fault: volume | a volume path with spaces (octal escapes in mountinfo) | found and named correctly
TEST_F(NamespaceContainer, PathWithSpacesIsUnescaped) {
  const std::string spaced = dir.Mkdir("my data/var lib/netdata", 0770);
  ASSERT_EQ(chown(spaced.c_str(), nd.uid, nd.gid), 0);
  const std::string spaced_src = dir.Mkdir("host dir/with space", 0770);
  ASSERT_EQ(chown(spaced_src.c_str(), nd.uid, nd.gid), 0);
  Json c = VolumeCheckIn("SRC_CD='" + src_cd + "' SRC_CA='" + src_ca + "'; mount --bind '" +
                             spaced_src + "' \"$VL\"; " + BindOthers(),
                         spaced, cd, ca);
  EXPECT_EQ(c["status"], "pass") << c.dump(2);
  EXPECT_EQ(c["details"]["dirs"][0]["mount_point"], spaced);
  const std::string root = c["details"]["dirs"][0]["root"];
  EXPECT_NE(root.find("host dir/with space"), std::string::npos) << root;
}

// fault: identity | a one-shot check by hand on a volume shared with the live agent | reads the owner lease, never writes or steals it
TEST_F(NamespaceContainer, ACheckByHandNeverWritesTheLease) {
  Json c = Check("mount --bind \"$SRC\" \"$VL\"; " + BindOthers() +
                 "; \"$BIN\" check --offline --var-lib \"$VL\" --config-dir \"$CD\" --cache-dir "
                 "\"$CA\" >/dev/null || true; test ! -e \"$VL/preflight\"");
  EXPECT_EQ(c["status"], "pass") << "the `test ! -e` above would have stopped the script";
  struct stat st {};
  EXPECT_NE(stat((src + "/preflight").c_str(), &st), 0);
}

// An emulated Docker container (a mount namespace): /etc/hostname bind-mounted from the runtime's
// `containers/<id>/hostname`, and before it a host directory of another container's files
// (a log collector's mount). The run record names the same container as the owner lease,
// never the other one that merely appears in mountinfo.
// fault: records | another container's directory mounted in (logs), earlier in mountinfo | runs.json and owner.json name this container (the /etc/hostname source), not the other one
TEST_F(NamespaceContainer, RunRecordNamesTheContainerOfTheLease) {
  const std::string id(64, 'a'), other(64, 'b');
  dir.Mkdir("docker/containers/" + id);
  dir.Mkdir("docker/containers/" + other);
  dir.Mkdir("logs");
  dir.Write("docker/containers/" + id + "/hostname", "aaaaaaaaaaaa\n");
  ProcessResult raw;
  Check("mount --bind \"$SRC\" \"$VL\"; " + BindOthers() +
        "; mount --bind \"$TMP/docker/containers/" + other +
        "\" \"$TMP/logs\"; mount --bind \"$TMP/docker/containers/" + id +
        "/hostname\" /etc/hostname; \"$BIN\" run --offline --fail-on never --var-lib \"$VL\" "
        "--config-dir \"$CD\" --cache-dir \"$CA\" -- /bin/true");
  Json runs = Json::parse(Slurp(src + "/preflight/runs.json"), nullptr, false);
  Json lease = Json::parse(Slurp(src + "/preflight/owner.json"), nullptr, false);
  ASSERT_TRUE(runs.is_object() && runs["runs"].size() == 1) << Slurp(src + "/preflight/runs.json");
  ASSERT_TRUE(lease.is_object()) << Slurp(src + "/preflight/owner.json");
  const std::string recorded = runs["runs"][0].value("container_id", "");
  EXPECT_EQ(recorded, lease.value("container_id", "")) << "the record and the lease disagree";
  EXPECT_NE(recorded, other) << "the id of a directory that is merely mounted in";
  // A runtime cgroup of this test's own (CI in a container) outranks the hostname mount: then
  // the record names that container, else the one whose hostname is mounted.
  const std::string cgroup = Slurp("/proc/self/cgroup");
  std::string own;
  for (size_t i = 0, run = 0; i < cgroup.size() && own.empty(); ++i) {
    run = std::isxdigit(static_cast<unsigned char>(cgroup[i])) ? run + 1 : 0;
    const bool ends =
        i + 1 == cgroup.size() || !std::isxdigit(static_cast<unsigned char>(cgroup[i + 1]));
    if (run == 64 && ends) own = cgroup.substr(i + 1 - 64, 64);
  }
  EXPECT_EQ(recorded, own.empty() ? id : own) << "cgroup: " << cgroup;
}

}  // namespace
}  // namespace preflight::testing
