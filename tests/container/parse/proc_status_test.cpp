#include "container/parse/proc_status.h"

#include <gtest/gtest.h>

namespace preflight::container {
namespace {

// Captured from a Docker container under its default profile (kernel 6.8).
constexpr const char* kDockerStatus =
    "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t7\nPid:\t7\nPPid:\t1\n"
    "CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n"
    "NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\nSpeculation_Store_Bypass:\tthread force "
    "mitigated\n"
    "Cpus_allowed:\tff\n";

TEST(ProcStatus, DockerDefaultProfile) {
  auto s = ParseProcStatus(kDockerStatus);
  EXPECT_EQ(s.seccomp, 2);
  EXPECT_EQ(s.seccomp_filters, 1);
  EXPECT_EQ(s.no_new_privs, 0);
  EXPECT_EQ(SeccompModeName(s.seccomp), "filter");
}

TEST(ProcStatus, UnconfinedWithNoNewPrivs) {
  auto s = ParseProcStatus("NoNewPrivs:\t1\nSeccomp:\t0\nSeccomp_filters:\t0\n");
  EXPECT_EQ(s.seccomp, 0);
  EXPECT_EQ(s.no_new_privs, 1);
  EXPECT_EQ(SeccompModeName(0), "disabled");
  EXPECT_EQ(SeccompModeName(1), "strict");
}

TEST(ProcStatus, MissingAndJunkFieldsStayUnknown) {
  auto none = ParseProcStatus("Name:\tx\n");  // a kernel without CONFIG_SECCOMP
  EXPECT_EQ(none.seccomp, -1);
  EXPECT_EQ(none.seccomp_filters, -1);
  EXPECT_EQ(SeccompModeName(none.seccomp), "unknown");
  auto junk = ParseProcStatus("Seccomp:\t2x\nSeccomp_filters:\t99999999999999\nNoNewPrivs:\n");
  EXPECT_EQ(junk.seccomp, -1);
  EXPECT_EQ(junk.seccomp_filters, -1);
  EXPECT_EQ(junk.no_new_privs, -1);
  auto crlf = ParseProcStatus("Seccomp:  2\r\nSeccomp_filters: 3");
  EXPECT_EQ(crlf.seccomp, 2);
  EXPECT_EQ(crlf.seccomp_filters, 3);
  EXPECT_EQ(ParseProcStatus(std::string_view("Seccomp:\t2\0\n", 12)).seccomp, -1);
}

TEST(ProcStatus, EffectiveUidIsTheSecondField) {
  EXPECT_EQ(ParseProcStatus("Name:\tnetdata\nUid:\t0\t999\t999\t999\n").euid, 999);
  EXPECT_EQ(ParseProcStatus("Uid:\t201\t201\t201\t201\n").euid, 201);
  EXPECT_EQ(ParseProcStatus("Uid:\t201\n").euid, -1);
  EXPECT_EQ(ParseProcStatus("Uid:\t201\tabc\n").euid, -1);
  EXPECT_EQ(ParseProcStatus("").euid, -1);
}

}  // namespace
}  // namespace preflight::container
