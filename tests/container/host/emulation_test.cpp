// User-mode emulation detection: the pure comparison, and the real fork on this machine.
#include "container/host/emulation.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

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
// then proves the detection on a real emulator.
TEST(Emulation, TellsNativeFromEmulatedOnThisMachine) {
  const char* expect = std::getenv("PREFLIGHT_EXPECT_EMULATOR");
  const std::string emulator = DetectUserEmulator();
  if (expect != nullptr && std::string(expect) == "1") {
    EXPECT_NE(emulator.find("qemu"), std::string::npos) << "emulator: '" << emulator << "'";
  } else {
    EXPECT_EQ(emulator, "") << "a native test run reported an emulator";
  }
}

}  // namespace
}  // namespace preflight::container
