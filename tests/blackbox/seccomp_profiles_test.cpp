// Black-box: the static binary under Docker's real default seccomp profiles (applied by
// tests/tools/seccomp_launcher with libseccomp, as each Docker release's host would), and under a
// profile whose default action kills the process. No Docker engine: the filter is the container.
// A profile's answer depends on the runc that loads it: before 1.0.0-rc93 a syscall the profile
// does not name gets its default action (EPERM); from 1.0.0-rc93 on, a syscall numbered above the
// newest one the profile names gets ENOSYS (libc falls back). Each expectation says which runc it
// is for; tests/engine shows what a real runc 1.1.5 does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

using Json = nlohmann::json;

struct Profile {
  const char* file;
  const char* runc;  ///< "old" (< 1.0.0-rc93) or "modern" (>= 1.0.0-rc93): seccomp_launcher --runc
  const char* clone3;      ///< expected verdict of clone3
  const char* faccessat2;  ///< expected verdict of faccessat2
  const char* fchmodat2;   ///< expected verdict of fchmodat2 (newer than every profile but v29's)
  const char* status;      ///< expected status of container.seccomp (image = this glibc >= 2.34)
};

std::string ProfilePath(const std::string& file) {
  return std::string(PREFLIGHT_TESTDATA_DIR) + "/seccomp/" + file;
}

bool HostGlibcUsesClone3() {
  auto r = RunProcess({"/usr/bin/getconf", "GNU_LIBC_VERSION"});
  int major = 0, minor = 0;
  return sscanf(r.out.c_str(), "glibc %d.%d", &major, &minor) == 2 && (major > 2 || minor >= 34);
}

Json RunUnder(const std::string& profile, const std::vector<std::string>& extra,
              const std::vector<std::string>& check_args, ProcessResult& r) {
  TempDir dir;
  std::vector<std::string> argv = {PREFLIGHT_SECCOMP_LAUNCHER, ProfilePath(profile)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(),
              {"--", BinaryPath(), "check", "--offline", "--format", "json", "--var-lib",
               dir.Mkdir("var/lib/netdata"), "--config-dir", dir.Mkdir("etc/netdata"),
               "--cache-dir", dir.Mkdir("var/cache/netdata"), "--agent", dir.path() + "/no-agent"});
  argv.insert(argv.end(), check_args.begin(), check_args.end());
  r = RunProcess(argv, {}, std::chrono::seconds(30));
  return Json::parse(r.out, nullptr, false);
}

const Json* FindCheck(const Json& doc, const std::string& id) {
  if (!doc.is_object() || !doc.contains("checks")) return nullptr;
  for (const auto& c : doc["checks"]) {
    if (c["id"] == id) return &c;
  }
  return nullptr;
}

class DockerProfile : public ::testing::TestWithParam<Profile> {};

// fault: seccomp | Docker's real default profiles v19.03.15, v20.10.0, v20.10.9 loaded by an old runc (< 1.0.0-rc93: unnamed syscalls get the default EPERM) | container.seccomp fail: clone3 EPERM (v19.03 also faccessat2) naming Docker >= 20.10.10; check still finishes
// fault: seccomp | Docker's real default profiles v20.10.0, v20.10.9 loaded by a modern runc (>= 1.0.0-rc93: ENOSYS above the newest named syscall) | container.seccomp fail: clone3 is below their newest named syscall, still EPERM
// fault: seccomp | Docker's v19.03.15 profile loaded by a modern runc (>= 1.0.0-rc93) | container.seccomp pass: clone3 and faccessat2 are newer than anything it names, so ENOSYS and glibc falls back
// fault: seccomp | Docker's real default profiles v20.10.10, v24.0.0, v29-current, old and modern runc | container.seccomp pass (clone3 ENOSYS is fine: glibc falls back)
TEST_P(DockerProfile, NamespaceContainer_CheckFinishesWithTheRightSeccompVerdict) {
  if (!HostGlibcUsesClone3()) GTEST_SKIP() << "the verdicts assume this machine's glibc >= 2.34";
  const Profile& p = GetParam();
  ProcessResult r;
  Json doc = RunUnder(p.file, {"--runc", p.runc}, {}, r);
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.signal, 0) << "the tool itself was killed under " << p.file << ": " << r.err;
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << " " << r.err;
  ASSERT_FALSE(doc.is_discarded()) << r.out.substr(0, 500) << r.err;
  ASSERT_EQ(doc["checks"].size(), 15u);
  for (const auto& c : doc["checks"]) {
    if (c["id"].get<std::string>().rfind("container.", 0) == 0) {
      EXPECT_NE(c["status"], "error") << c.dump();
    }
  }
  const Json* seccomp = FindCheck(doc, "container.seccomp");
  ASSERT_NE(seccomp, nullptr);
  EXPECT_EQ((*seccomp)["status"], p.status) << seccomp->dump(2);
  EXPECT_EQ((*seccomp)["details"]["mode"], "filter");
  EXPECT_EQ((*seccomp)["details"]["syscalls"]["clone3"]["verdict"], p.clone3);
  EXPECT_EQ((*seccomp)["details"]["syscalls"]["faccessat2"]["verdict"], p.faccessat2);
  EXPECT_EQ((*seccomp)["details"]["syscalls"]["fchmodat2"]["verdict"], p.fchmodat2);
  EXPECT_TRUE((*seccomp)["details"]["kernel"].is_string());
  const std::string all = seccomp->dump();
  if (std::string(p.status) == "fail") {
    EXPECT_NE(all.find("cannot start threads"), std::string::npos) << all;
    EXPECT_NE((*seccomp)["remediation"].get<std::string>().find("20.10.10"), std::string::npos);
  }
  if (std::string(p.faccessat2) == "blocked") {
    EXPECT_NE(all.find("the node cannot be claimed"), std::string::npos) << all;
    EXPECT_NE(all.find("2.4.4"), std::string::npos);
  }
  // The verdict follows: a seccomp failure means the node cannot be claimed.
  if (std::string(p.status) == "fail") {
    EXPECT_EQ(doc["verdict"]["status"], "fail");
  }
}

std::string ProfileTestName(const ::testing::TestParamInfo<Profile>& info) {
  std::string n = std::string(info.param.file) + "_" + info.param.runc + "_runc";
  for (char& c : n) {  // "docker_v20_10_9_json_old_runc"
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

// runc < 1.0.0-rc93: whatever a profile does not name gets its default action, EPERM.
INSTANTIATE_TEST_SUITE_P(
    OldRunc, DockerProfile,
    ::testing::Values(
        Profile{"docker-v19.03.15.json", "old", "blocked", "blocked", "blocked", "fail"},
        Profile{"docker-v20.10.0.json", "old", "blocked", "allowed", "blocked", "fail"},
        Profile{"docker-v20.10.9.json", "old", "blocked", "allowed", "blocked", "fail"},
        Profile{"docker-v20.10.10.json", "old", "not-available", "allowed", "blocked", "pass"},
        Profile{"docker-v24.0.0.json", "old", "not-available", "allowed", "blocked", "pass"},
        Profile{"docker-v29-current.json", "old", "not-available", "allowed", "allowed", "pass"}),
    ProfileTestName);

// runc >= 1.0.0-rc93 (Debian bookworm's docker.io runs runc 1.1.5): ENOSYS for syscalls above the
// newest one a profile names. v19.03.15 names nothing past io_pgetevents (333), so clone3 (435)
// and faccessat2 (439) fall back; v20.10.0 and v20.10.9 name faccessat2 and later, so clone3 below
// it keeps the default EPERM. Only v29 names fchmodat2 (452).
INSTANTIATE_TEST_SUITE_P(
    ModernRunc, DockerProfile,
    ::testing::Values(
        Profile{"docker-v19.03.15.json", "modern", "not-available", "not-available",
                "not-available", "pass"},
        Profile{"docker-v20.10.0.json", "modern", "blocked", "allowed", "not-available", "fail"},
        Profile{"docker-v20.10.9.json", "modern", "blocked", "allowed", "not-available", "fail"},
        Profile{"docker-v20.10.10.json", "modern", "not-available", "allowed", "not-available",
                "pass"},
        Profile{"docker-v24.0.0.json", "modern", "not-available", "allowed", "not-available",
                "pass"},
        Profile{"docker-v29-current.json", "modern", "not-available", "allowed", "allowed",
                "pass"}),
    ProfileTestName);

// fault: seccomp | a profile whose default action kills the process | the probe child dies by SIGSYS, reported as killed syscalls; the full check still finishes
TEST(KillProfile, NamespaceContainer_KillActionIsAFindingNotADeadTool) {
  if (!HostGlibcUsesClone3()) GTEST_SKIP() << "the verdicts assume this machine's glibc >= 2.34";
  ProcessResult r;
  Json doc = RunUnder("docker-v20.10.9.json", {"--default-action", "SCMP_ACT_KILL_PROCESS"}, {}, r);
  ASSERT_EQ(r.signal, 0) << "the tool was killed: " << r.err;
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ASSERT_FALSE(doc.is_discarded()) << r.out.substr(0, 500);
  ASSERT_EQ(doc["checks"].size(), 15u);
  const Json* seccomp = FindCheck(doc, "container.seccomp");
  ASSERT_NE(seccomp, nullptr);
  EXPECT_EQ((*seccomp)["status"], "fail");
  const auto& sc = (*seccomp)["details"]["syscalls"];
  EXPECT_EQ(sc["clone3"]["verdict"], "killed");
  EXPECT_EQ(sc["clone3"]["signal"], 31);
  EXPECT_EQ(sc["fchmodat2"]["verdict"], "killed");  // not in the profile either
  // Probed one per child after the first kill: the calls in between are still answered.
  EXPECT_EQ(sc["faccessat2"]["verdict"], "allowed");
  EXPECT_EQ(sc["statx"]["verdict"], "allowed");
  EXPECT_GE((*seccomp)["details"]["probe_children"].get<int>(), 3);
  EXPECT_NE((*seccomp)["message"].get<std::string>().find("SIGSYS"), std::string::npos);
}

// fault: input | a malformed seccomp profile given to the test launcher | one-line error naming the profile, nothing executed
TEST(SeccompLauncher, RefusesAMalformedProfile) {
  TempDir dir;
  const std::string bad =
      dir.Write("bad.json", "{\"defaultAction\": \"SCMP_ACT_NOPE\", \"syscalls\": []}");
  auto r = RunProcess({PREFLIGHT_SECCOMP_LAUNCHER, bad, "--", "/bin/true"});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_NE(r.err.find("unknown defaultAction"), std::string::npos) << r.err;
}

// fault: input | the test launcher asked for a runc it does not emulate | usage error 64, nothing executed
TEST(SeccompLauncher, RefusesAnUnknownRunc) {
  TempDir dir;
  const std::string marker = dir.path() + "/ran";
  auto r = RunProcess({PREFLIGHT_SECCOMP_LAUNCHER, ProfilePath("docker-v24.0.0.json"), "--runc",
                       "1.1.5", "--", "/usr/bin/touch", marker});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_NE(r.err.find("--runc old|modern"), std::string::npos) << r.err;
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "the program ran";
}

}  // namespace
}  // namespace preflight::testing
