#include "container/process/inherited_signals.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

namespace preflight::container::process {
namespace {

extern "C" void Nothing(int) {}

// Runs `body` in a forked child (the dispositions and the mask it changes stay there) and
// returns its exit code; 99 means it died otherwise.
int InChild(int (*body)()) {
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

bool Ignored(int sig) {
  struct sigaction now {};
  sigaction(sig, nullptr, &now);
  return now.sa_handler == SIG_IGN;
}

TEST(InheritedSignals, MaskBitsRoundTrip) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGHUP, SIGTERM, SIGUSR2, SIGRTMIN + 1}) sigaddset(&mask, sig);
  const uint64_t bits = MaskBits(mask);
  EXPECT_EQ(bits & 0xffffffffu,
            (1u << (SIGHUP - 1)) | (1u << (SIGTERM - 1)) | (1u << (SIGUSR2 - 1)));
  const sigset_t back = MaskFromBits(bits);
  for (int sig = 1; sig < NSIG; ++sig) {
    EXPECT_EQ(sigismember(&back, sig), sigismember(&mask, sig)) << "signal " << sig;
  }
}

// An ignore inherited from the parent, replaced by a handler of ours, is what the program
// gets back: SIG_IGN; a default replaced by a handler gets SIG_DFL back; the mask too.
TEST(InheritedSignals, RestoreGivesBackTheIgnoresAndDefaultsThatWereReplaced) {
  EXPECT_EQ(InChild([] {
              signal(SIGHUP, SIG_IGN);  // what nohup did before exec
              signal(SIGUSR1, SIG_DFL);
              sigset_t hold;
              sigemptyset(&hold);
              sigaddset(&hold, SIGTERM);
              HoldSignalsAtStart(hold);
              struct sigaction ours {};
              ours.sa_handler = Nothing;
              sigemptyset(&ours.sa_mask);
              if (!ReplaceSignalAction(SIGHUP, ours)) return 1;  // it was ignored
              if (ReplaceSignalAction(SIGUSR1, ours)) return 2;  // it was not
              if (!InheritedIgnored(SIGHUP) || InheritedIgnored(SIGUSR1)) return 3;
              RestoreInheritedSignals();
              struct sigaction usr1 {};
              sigaction(SIGUSR1, nullptr, &usr1);
              if (!Ignored(SIGHUP) || usr1.sa_handler != SIG_DFL) return 4;
              sigset_t now;
              sigprocmask(SIG_SETMASK, nullptr, &now);
              return sigismember(&now, SIGTERM) == 0 ? 0 : 5;  // the held signal released
            }),
            0);
}

// Before an exec of our own image: only the ignores come back; our handlers stay (the exec
// resets them), so a signal until then still reaches them.
TEST(InheritedSignals, RestoreIgnoresLeavesOurHandlers) {
  EXPECT_EQ(InChild([] {
              signal(SIGINT, SIG_IGN);
              struct sigaction ours {};
              ours.sa_handler = Nothing;
              sigemptyset(&ours.sa_mask);
              ReplaceSignalAction(SIGINT, ours);
              ReplaceSignalAction(SIGQUIT, ours);
              RestoreInheritedIgnores();
              struct sigaction quit {};
              sigaction(SIGQUIT, nullptr, &quit);
              return Ignored(SIGINT) && quit.sa_handler == Nothing ? 0 : 1;
            }),
            0);
}

}  // namespace
}  // namespace preflight::container::process
