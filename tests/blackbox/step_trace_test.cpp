// tests/tools/step_trace, which scripts/start_order.py builds the link order with: it must see
// a static program's instructions from its entry on, and split them at --phase-at.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

/// e_entry of a 64-bit ELF file.
uint64_t EntryOf(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char header[64] = {};
  f.read(header, sizeof header);
  uint64_t entry = 0;
  for (int i = 7; i >= 0; --i) entry = (entry << 8) | static_cast<unsigned char>(header[24 + i]);
  return entry;
}

TEST(StepTrace, SeesAStaticProgramFromItsEntryAndSplitsItAtAnAddress) {
#if !defined(__x86_64__) && !defined(__aarch64__)
  GTEST_SKIP() << "step_trace reads the program counter of x86_64 and aarch64 only";
#endif
  const std::string child = PREFLIGHT_SIGNAL_CHILD;  // static, small
  const uint64_t entry = EntryOf(child);
  ASSERT_NE(entry, 0u);
  char hex[32];
  std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(entry));
  auto r = RunProcess({PREFLIGHT_STEP_TRACE, child, "--phase-at", hex, "--", child, "exit", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::pair<int, int>, std::set<uint64_t>> seen;  // (exec, phase) -> addresses
  std::istringstream in(r.out);
  int exec = 0, phase = 0;
  std::string pc;
  while (in >> exec >> phase >> pc) seen[{exec, phase}].insert(std::stoull(pc, nullptr, 16));
  // One exec, all of it after its first arrival at the entry: nothing before, once only.
  ASSERT_EQ(seen.size(), 1u) << r.out.substr(0, 400);
  const auto& [key, addresses] = *seen.begin();
  EXPECT_EQ(key, std::make_pair(1, 1));
  EXPECT_TRUE(addresses.count(entry));
  EXPECT_GT(addresses.size(), 500u) << "glibc's start-up alone runs thousands of instructions";
  // A program that is not BINARY is not recorded.
  auto other = RunProcess({PREFLIGHT_STEP_TRACE, child, "--", "/bin/true"});
  EXPECT_EQ(other.exit_code, 1) << other.out.substr(0, 200);
  EXPECT_TRUE(other.out.empty());
  // A usage error names the usage.
  auto bad = RunProcess({PREFLIGHT_STEP_TRACE, child, "--stop", "x", "--", child});
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_NE(bad.err.find("usage: step_trace"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace preflight::testing
