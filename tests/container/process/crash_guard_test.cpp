#include "container/process/crash_guard.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>

namespace preflight::container {
namespace {

// A real SIGSEGV: a store to the unmapped first page (not to nullptr, which UBSan would stop
// before the fault).
void Segfault() {
  volatile uintptr_t address = 64;  // volatile: the compiler cannot see the address
  *reinterpret_cast<volatile int*>(address) = 1;
}

TEST(CrashGuard, EachCrashIsAValueAndTheNextCallRunsNormally) {
  EXPECT_EQ(RunCrashGuarded(Segfault), SIGSEGV);
  EXPECT_EQ(RunCrashGuarded(Segfault), SIGSEGV) << "the guard holds for a second crash";
  int ran = 0;
  EXPECT_EQ(RunCrashGuarded([&] { ++ran; }), 0);
  EXPECT_EQ(ran, 1);
}

// The handlers stay installed between guarded calls: a crash outside one must still kill the
// process with the signal, as if no guard had ever been set up.
TEST(CrashGuard, ACrashOutsideAGuardedCallStillKillsWithTheSignal) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    RunCrashGuarded([] {});  // leaves its handler installed, disarmed
    Segfault();
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGSEGV);
}

}  // namespace
}  // namespace preflight::container
