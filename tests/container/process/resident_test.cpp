#include "container/process/resident.h"

#include <gtest/gtest.h>

namespace preflight::container::process {
namespace {

// Shaped like /proc/<pid>/smaps of the static binary (fields trimmed).
constexpr const char* kSmaps =
    "00400000-00401000 r--p 00000000 fe:00 5310813                            /bin/np\n"
    "Rss:                   4 kB\n"
    "Anonymous:             0 kB\n"
    "00401000-0094c000 r-xp 00001000 fe:00 5310813                            /bin/np\n"
    "Rss:                2172 kB\n"
    "Anonymous:             0 kB\n"
    "00aaa000-00b11000 r--p 006a9000 fe:00 5310813                            /bin/np\n"
    "Anonymous:           196 kB\n"
    "00b11000-00b1b000 rw-p 00710000 fe:00 5310813                            /bin/np\n"
    "Anonymous:            40 kB\n"
    "00b1b000-00b3a000 rw-p 00000000 00:00 0 \n"
    "Anonymous:            44 kB\n"
    "7f0000000000-7f0000001000 r-xp 00000000 fe:00 1                          /bin/np-other\n"
    "Anonymous:             0 kB\n";

TEST(Resident, OnlyCleanReadOnlyMappingsOfTheFile) {
  auto ranges = CleanFileRanges(kSmaps, "/bin/np");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].first, 0x400000u);
  EXPECT_EQ(ranges[1].first, 0x401000u);
  EXPECT_EQ(ranges[1].second, 0x94c000u);
  // Relocated (copied-on-write) RELRO, data, anonymous memory and other files are never dropped.
}

// fault: input | /proc/self/smaps entry without an Anonymous line | not proven clean: nothing dropped
TEST(Resident, NoAnonymousLineMeansNotProvenClean) {
  auto ranges =
      CleanFileRanges("00401000-0094c000 r-xp 00001000 fe:00 1 /bin/np\nRss: 4 kB\n", "/bin/np");
  EXPECT_TRUE(ranges.empty());
}

// fault: input | empty or garbage /proc/self/smaps | no range dropped
TEST(Resident, GarbageIsNothing) {
  EXPECT_TRUE(CleanFileRanges("", "/bin/np").empty());
  EXPECT_TRUE(CleanFileRanges("zz-yy r-xp\nAnonymous: 0 kB\n", "/bin/np").empty());
  EXPECT_TRUE(CleanFileRanges(kSmaps, "").empty());
}

TEST(Resident, DroppingOurOwnPagesKeepsUsRunning) {
  // The test binary's text is clean and mapped from its file: some of it is given back, and
  // the code that runs next (gtest itself) faults back in from the page cache.
  const size_t dropped = DropCleanExecutablePages();
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(CleanFileRanges(kSmaps, "/bin/np").size(), 2u);
}

}  // namespace
}  // namespace preflight::container::process
