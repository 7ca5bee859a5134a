// Black-box: the shipped binary is fully static, small, and never creates a thread.
#include <elf.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

/// The sanitizer build (make test-asan) is dynamic by design; the shipped build is checked by
/// make test.
#define SKIP_UNLESS_SHIPPED_BUILD()                          \
  if (!PREFLIGHT_STATIC_BUILD)                               \
  GTEST_SKIP() << "sanitizer build: dynamic by design; the " \
                  "static shipped binary is checked by make test"

TEST(StaticBinary, HasNoInterpreterAndFileSaysStaticallyLinked) {
  SKIP_UNLESS_SHIPPED_BUILD();
  std::string elf = Slurp(BinaryPath());
  ASSERT_GE(elf.size(), sizeof(Elf64_Ehdr));
  const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(elf.data());
  ASSERT_EQ(std::string(reinterpret_cast<const char*>(eh->e_ident), 4), "\177ELF");
  for (int i = 0; i < eh->e_phnum; ++i) {
    const auto* ph =
        reinterpret_cast<const Elf64_Phdr*>(elf.data() + eh->e_phoff + i * eh->e_phentsize);
    EXPECT_NE(ph->p_type, static_cast<Elf64_Word>(PT_INTERP)) << "a dynamic loader is requested";
    EXPECT_NE(ph->p_type, static_cast<Elf64_Word>(PT_DYNAMIC)) << "dynamic section present";
  }
  auto r = RunProcess({"/usr/bin/file", "-b", BinaryPath()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("statically linked"), std::string::npos) << r.out;
}

// The shipped build's ELF entry point blocks the stop signals before glibc's start-up
// (cmd/main.cpp); tests/arch/entry_point.py checks the same on aarch64 and armv7l.
TEST(StaticBinary, TheEntryPointHoldsTheStopSignals) {
  SKIP_UNLESS_SHIPPED_BUILD();
  TempDir dir;
  auto r = RunProcess({BinaryPath(), "check", "--offline", "--only", "claim.token", "--var-lib",
                       dir.path(), "--config-dir", dir.path(), "--log-level", "trace"},
                      {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}});
  EXPECT_NE(r.err.find("stop signals held since the ELF entry point"), std::string::npos) << r.err;
}

TEST(StaticBinary, StrippedSizeIsAtMostSixMebibytes) {
  SKIP_UNLESS_SHIPPED_BUILD();
  TempDir dir;
  const std::string stripped = dir.path() + "/netdata-preflight";
  auto r = RunProcess({"/usr/bin/strip", "-o", stripped, BinaryPath()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(stat(stripped.c_str(), &st), 0);
  EXPECT_LE(st.st_size, 6 * 1024 * 1024) << "stripped size " << st.st_size;
}

// Every thread creation goes through clone3 (glibc >= 2.34) or clone with CLONE_THREAD.
void ExpectNoThreads(const std::vector<std::string>& args, std::vector<int> exit_codes = {0, 1}) {
  TempDir dir;
  const std::string trace = dir.path() + "/trace";
  std::vector<std::string> argv = {
      "/usr/bin/strace", "-f", "-qq", "-e", "trace=clone,clone3,vfork,execve", "-o", trace,
      BinaryPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunProcess(argv, {{"NETDATA_CLAIM_TOKEN", "x"}}, std::chrono::seconds(60));
  ASSERT_FALSE(r.timed_out);
  // strace exits with the traced program's code: a missing strace (127) fails here.
  EXPECT_NE(std::find(exit_codes.begin(), exit_codes.end(), r.exit_code), exit_codes.end())
      << "exit " << r.exit_code << ": " << r.err;
  std::string log = Slurp(trace);
  ASSERT_NE(log.find("execve("), std::string::npos) << "nothing was traced: " << log;
  // container.seccomp calls clone3 with size 0 on purpose: the kernel rejects it (EINVAL) or the
  // filter does; a clone3 that returns -1 creates nothing. Any other clone3 is a thread.
  for (size_t pos = log.find("clone3("); pos != std::string::npos;
       pos = log.find("clone3(", pos + 1)) {
    std::string line = log.substr(pos, log.find('\n', pos) - pos);
    EXPECT_NE(line.find("clone3(NULL, 0) = -1"), std::string::npos) << line;
  }
  EXPECT_EQ(log.find("CLONE_THREAD"), std::string::npos) << log;
}

TEST(StaticBinary, CreatesNoThreadInAnyCommand) {
  ExpectNoThreads({"version"});
  ExpectNoThreads({"list"});
  ExpectNoThreads({"check", "--offline"});
  ExpectNoThreads({"check", "--deadline", "2s", "--resolve", "app.netdata.cloud:443:127.0.0.1",
                   "--resolve", "api.netdata.cloud:443:127.0.0.1", "--resolve",
                   "mqtt.netdata.cloud:443:127.0.0.1"});
  ExpectNoThreads({"probe", "--timeout", "200ms", "--api", "http://127.0.0.1:9"}, {1});
}

}  // namespace
}  // namespace preflight::testing
