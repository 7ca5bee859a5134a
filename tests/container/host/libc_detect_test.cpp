#include "container/host/libc_detect.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "container/real_system.h"
#include "fakes/fake_elf.h"
#include "fakes/fake_system.h"

extern char** environ;

namespace preflight::container {
namespace {

TEST(LibcDetect, ParsesTheBanner) {
  int major = 0, minor = 0;
  std::string lib = std::string(
                        "\x7f"
                        "ELF junk\0\0",
                        11) +
                    "GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.\n" +
                    "GLIBC_2.2.5\0GLIBC_2.38";
  ASSERT_TRUE(ParseGlibcVersion(lib, major, minor));
  EXPECT_EQ(major, 2);
  EXPECT_EQ(minor, 36);  // the banner wins over symbol versions
}

TEST(LibcDetect, FallsBackToTheNewestSymbolVersion) {
  int major = 0, minor = 0;
  std::string lib("GLIBC_2.2.5\0GLIBC_2.17\0GLIBC_PRIVATE\0GLIBC_2.34\0GLIBC_2.4\0", 56);
  ASSERT_TRUE(ParseGlibcVersion(lib, major, minor));
  EXPECT_EQ(minor, 34);
  EXPECT_FALSE(ParseGlibcVersion("no version here release version x.y", major, minor));
  EXPECT_FALSE(ParseGlibcVersion("", major, minor));
}

/// This machine's libc.so.6, whole; "" where there is none at the x86_64 Debian place.
std::string ThisMachinesLibc() {
  std::ifstream f("/lib/x86_64-linux-gnu/libc.so.6", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return f ? ss.str() : std::string();
}

TEST(LibcDetect, ReadsTheRealLibcOfThisMachine) {
  const std::string lib = ThisMachinesLibc();
  if (lib.empty()) GTEST_SKIP() << "no /lib/x86_64-linux-gnu/libc.so.6 on this machine";
  int major = 0, minor = 0;
  ASSERT_TRUE(ParseGlibcVersion(lib, major, minor));
  EXPECT_EQ(major, 2);
  EXPECT_GE(minor, 17);
}

// The version comes from .dynstr alone: a GLIBC_2.99 elsewhere in the first 512 KiB (which the
// old whole-prefix scan would have taken) is not read.
TEST(LibcDetect, ReadsOnlyTheDynamicStringTableOfAnElfLibrary) {
  const std::string names("\0malloc\0GLIBC_2.2.5\0GLIBC_2.39\0GLIBC_PRIVATE\0", 46);
  std::string lib = testing::FakeElf(64, {{0, 0, 0, 0}, {11, 0x100, 0x18, 2}, {3, 0x800, 46, 0}},
                                     0x1000, names, 0x800);
  lib.resize(0x4000, '\0');
  lib += "GLIBC_2.99";
  testing::FakeSystem sys;
  sys.AddDir("/lib/x86_64-linux-gnu").AddFile("/lib/x86_64-linux-gnu/libc.so.6", lib);
  auto info = DetectLibc(sys);
  EXPECT_EQ(info.Describe(), "glibc 2.39");
  EXPECT_TRUE(info.GlibcAtLeast(2, 39));
}

// The version comes from the names the version definitions point at: a GLIBC_2.99 elsewhere in
// .dynstr (where the whole-table scan would take it) is not read.
TEST(LibcDetect, ReadsOnlyTheNamesOfTheVersionsTheLibraryDefines) {
  std::string strings("\0GLIBC_2.99\0", 12);
  strings.resize(200, 'x');
  const uint32_t base = static_cast<uint32_t>(strings.size());
  strings += std::string("\0libc.so.6\0GLIBC_2.2.5\0GLIBC_2.39\0", 34);
  const std::string defs = testing::FakeVerdefs({base + 1, base + 11, base + 23});
  std::string lib = testing::FakeElf(64,
                                     {{0, 0, 0, 0},
                                      {11, 0x100, 0x18, 2},
                                      {3, 0x800, strings.size(), 0},
                                      {0x6ffffffd, 0x300, defs.size(), 2, 3}},
                                     0x1000, defs, 0x300);
  lib.replace(0x800, strings.size(), strings);
  testing::FakeSystem sys;
  sys.AddDir("/lib/x86_64-linux-gnu").AddFile("/lib/x86_64-linux-gnu/libc.so.6", lib);
  auto info = DetectLibc(sys);
  EXPECT_EQ(info.Describe(), "glibc 2.39");
  // Without the version definitions, the whole .dynstr is read: it says 2.99.
  std::string no_defs = lib;
  testing::PutLe(no_defs, 0x1000 + 3 * 64 + 4, 1, 4);  // [3] becomes PROGBITS
  testing::FakeSystem old;
  old.AddDir("/lib/x86_64-linux-gnu").AddFile("/lib/x86_64-linux-gnu/libc.so.6", no_defs);
  EXPECT_EQ(DetectLibc(old).Describe(), "glibc 2.99");
}

// The real library of this machine, through the real System: the four small reads give the
// version the whole file gives.
TEST(LibcDetect, TheDynstrReadAgreesWithTheWholeLibraryHere) {
  const std::string lib = ThisMachinesLibc();
  if (lib.empty()) GTEST_SKIP() << "no /lib/x86_64-linux-gnu/libc.so.6 on this machine";
  int major = 0, minor = 0;
  ASSERT_TRUE(ParseGlibcVersion(lib, major, minor));
  RealSystem sys(environ);
  auto info = DetectLibc(sys);
  ASSERT_TRUE(info.glibc);
  EXPECT_EQ(info.glibc_major, major);
  EXPECT_EQ(info.glibc_minor, minor);
}

TEST(LibcDetect, FindsGlibcAndMuslThroughTheSystem) {
  testing::FakeSystem sys;
  sys.AddDir("/lib/x86_64-linux-gnu")
      .AddFile("/lib/x86_64-linux-gnu/libc.so.6", "... stable release version 2.31. ...");
  auto info = DetectLibc(sys);
  EXPECT_TRUE(info.glibc);
  EXPECT_FALSE(info.musl);
  EXPECT_TRUE(info.GlibcAtLeast(2, 31));
  EXPECT_FALSE(info.GlibcAtLeast(2, 34));
  EXPECT_EQ(info.Describe(), "glibc 2.31");
  EXPECT_EQ(info.glibc_path, "/lib/x86_64-linux-gnu/libc.so.6");

  testing::FakeSystem alpine;
  alpine.AddDir("/lib")
      .AddFile("/lib/ld-musl-x86_64.so.1",
               "\x7f"
               "ELF")
      .AddFile("/etc/alpine-release", "3.19.1\n");
  auto musl = DetectLibc(alpine);
  EXPECT_FALSE(musl.glibc);
  EXPECT_TRUE(musl.musl);
  EXPECT_EQ(musl.musl_path, "/lib/ld-musl-x86_64.so.1");
  EXPECT_EQ(musl.Describe(), "musl (Alpine 3.19.1)");

  testing::FakeSystem scratch;
  EXPECT_EQ(DetectLibc(scratch).Describe(), "unknown");
}

// armv7 (armhf) and i386 images keep libc in their own multiarch directory: a search that misses
// it reports "unknown", which turns a harmless blocked syscall into a failure.
TEST(LibcDetect, FindsGlibcOfEveryShippedArchitecture) {
  for (const char* dir :
       {"/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/arm-linux-gnueabihf",
        "/usr/lib/arm-linux-gnueabihf", "/lib/i386-linux-gnu"}) {
    testing::FakeSystem sys;
    const std::string path = std::string(dir) + "/libc.so.6";
    sys.AddDir(dir).AddFile(path, std::string("GLIBC_2.4\0GLIBC_2.36\0", 21));
    auto info = DetectLibc(sys);
    EXPECT_TRUE(info.glibc) << dir;
    EXPECT_EQ(info.Describe(), "glibc 2.36") << dir;
    EXPECT_EQ(info.glibc_path, path);
  }
}

}  // namespace
}  // namespace preflight::container
