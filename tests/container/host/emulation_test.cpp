// User-mode emulation detection: the pure comparison, the child's side, and the real probe here.
#include "container/host/emulation.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "container/host/seccomp_probe.h"

namespace preflight::container {
namespace {

TEST(Emulation, DifferentExecutablesNameTheEmulator) {
  EXPECT_EQ(EmulatorFromExes("/usr/bin/netdata-preflight", "/usr/bin/qemu-aarch64-static"),
            "/usr/bin/qemu-aarch64-static");
  EXPECT_EQ(EmulatorFromExes("/usr/bin/netdata-preflight", "/usr/bin/netdata-preflight"), "");
  // Replaced while running: both say "(deleted)", still the same program.
  EXPECT_EQ(EmulatorFromExes("/x (deleted)", "/x (deleted)"), "");
  EXPECT_EQ(EmulatorFromExes("", "/usr/bin/qemu-arm"), "");  // no /proc: cannot tell
  EXPECT_EQ(EmulatorFromExes("/x", ""), "");
}

// tests/arch runs this binary under qemu-user with PREFLIGHT_EXPECT_EMULATOR=1: the same test
// then proves the detection on a real emulator, through the probe that carries it.
TEST(Emulation, TellsNativeFromEmulatedOnThisMachine) {
  const char* expect = std::getenv("PREFLIGHT_EXPECT_EMULATOR");
  RealSeccompProber prober;
  auto report = prober.Probe(std::chrono::milliseconds(2000));
  ASSERT_TRUE(report.ok()) << report.error().message;
  if (expect != nullptr && std::string(expect) == "1") {
    EXPECT_NE(report->emulator.find("qemu"), std::string::npos)
        << "emulator: '" << report->emulator << "'";
  } else {
    EXPECT_EQ(report->emulator, "") << "a native test run reported an emulator";
  }
}

// The child's side: our executable, length first, as another process sees it.
TEST(Emulation, TheParentsExecutableAsAChildSeesIt) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    WriteParentExe(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string got;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  const std::string self = SelfExe();
  ASSERT_FALSE(self.empty());
  int32_t len = 0;
  ASSERT_GE(got.size(), sizeof len);
  std::memcpy(&len, got.data(), sizeof len);
  const std::string seen = got.substr(sizeof len);
  EXPECT_EQ(static_cast<size_t>(len), seen.size());
  const char* expect = std::getenv("PREFLIGHT_EXPECT_EMULATOR");
  if (expect != nullptr && std::string(expect) == "1") {
    // qemu fakes our own /proc/self/exe, not another process's view of us: the emulator.
    EXPECT_NE(seen.find("qemu"), std::string::npos) << seen;
    EXPECT_NE(seen, self);
  } else {
    EXPECT_EQ(seen, self);
  }
}

}  // namespace
}  // namespace preflight::container
