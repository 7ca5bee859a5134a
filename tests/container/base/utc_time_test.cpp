#include "container/base/utc_time.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>

namespace preflight::container {
namespace {

std::string Gmtime(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TEST(UtcRfc3339, KnownInstants) {
  EXPECT_EQ(UtcRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(UtcRfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(UtcRfc3339(951782400), "2000-02-29T00:00:00Z");  // a 400-year leap day
  EXPECT_EQ(UtcRfc3339(1767225600), "2026-01-01T00:00:00Z");
  EXPECT_EQ(UtcRfc3339(4107542400), "2100-03-01T00:00:00Z");  // 2100 is not a leap year
  EXPECT_EQ(UtcRfc3339(253402300799), "9999-12-31T23:59:59Z");
  EXPECT_EQ(UtcRfc3339(-62167219200), "0000-01-01T00:00:00Z");
}

// The calendar arithmetic agrees with the C library over 1000..9999 (strftime does not pad
// earlier years to four digits), every day near 1970 and a sample of the others.
TEST(UtcRfc3339, AgreesWithGmtime) {
  for (int64_t day = -354285; day < 2932897; day += 1) {
    if (day % 97 != 0 && (day < -800 || day > 800)) continue;  // all days near 1970, a sample else
    const int64_t t = day * 86400;
    ASSERT_EQ(UtcRfc3339(t), Gmtime(t)) << t;
    ASSERT_EQ(UtcRfc3339(t + 86399), Gmtime(t + 86399)) << t + 86399;
  }
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> any(-30610224000, 253402300799);
  for (int i = 0; i < 100000; ++i) {
    const int64_t t = any(rng);
    ASSERT_EQ(UtcRfc3339(t), Gmtime(t)) << t;
  }
}

}  // namespace
}  // namespace preflight::container
