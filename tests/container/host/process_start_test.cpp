// Process start times from /proc/<pid>/stat and /proc/stat, including a comm with spaces and
// parentheses.
#include "container/host/process_start.h"

#include <gtest/gtest.h>

namespace preflight::container {
namespace {

TEST(ProcessStart, Field22AfterTheComm) {
  EXPECT_EQ(ParseStartTicks("77 (netdata) S 1 77 77 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 40 0 "
                            "1000 123456 789"),
            1000u);
  EXPECT_EQ(ParseStartTicks("9 (a) b (c)) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 1 2"),
            4242u);
  EXPECT_FALSE(ParseStartTicks("77 (netdata) S 1 2").has_value());
  EXPECT_FALSE(ParseStartTicks("garbage").has_value());
  EXPECT_FALSE(ParseStartTicks("1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12x 1").has_value());
}

TEST(ProcessStart, BootTime) {
  EXPECT_EQ(ParseBootTime("cpu  1 2 3\nbtime 1767225600\nprocesses 9\n"), 1767225600);
  EXPECT_FALSE(ParseBootTime("cpu 1\n").has_value());
  EXPECT_FALSE(ParseBootTime("btime -5\n").has_value());
}

}  // namespace
}  // namespace preflight::container
