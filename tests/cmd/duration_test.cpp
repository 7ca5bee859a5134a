#include "cmd/duration.h"

#include <gtest/gtest.h>

namespace preflight::cmd {
namespace {

TEST(Duration, AcceptsTheUsualForms) {
  EXPECT_EQ(ParseDuration("10s")->count(), 10000);
  EXPECT_EQ(ParseDuration("500ms")->count(), 500);
  EXPECT_EQ(ParseDuration("2m")->count(), 120000);
  EXPECT_EQ(ParseDuration("1h")->count(), 3600000);
  EXPECT_EQ(ParseDuration("1m30s")->count(), 90000);
  EXPECT_EQ(ParseDuration("1.5s")->count(), 1500);
  EXPECT_EQ(ParseDuration("60")->count(), 60000) << "a bare number is seconds";
}

// fault: input | duration flags "", "s", "10x", "-1s", "soon", "1s2", "10 s", "9999999h", 33 digits | error "invalid duration", never a crash
TEST(Duration, RejectsGarbageWithAMessageNamingTheValue) {
  for (const char* bad : {"", "s", "10x", "-1s", "soon", "1s2", "10 s", "9999999h",
                          "123456789012345678901234567890123"}) {
    auto d = ParseDuration(bad);
    EXPECT_FALSE(d.ok()) << bad;
    if (!d.ok()) {
      EXPECT_NE(d.error().message.find("invalid duration"), std::string::npos);
    }
  }
}

// fault: input | durations ".", "..s", "1.2.3s", ".ms", "1..5m" | an error, not an exception
TEST(ParseDuration, MalformedNumbersAreErrorsNotExceptions) {
  for (const char* text : {".", "..s", "1.2.3s", ".ms", "1..5m"}) {
    auto d = ParseDuration(text);
    EXPECT_FALSE(d.ok()) << text;
  }
  EXPECT_EQ(ParseDuration(".5s").value(), std::chrono::milliseconds(500));
}

// fault: input | --deadline 1000h, 1d, 5 (bare), 366d | 1000h and 1d accepted; a bare number is seconds everywhere and the error says so; over 365d rejected naming the bound
TEST(Duration, DaysLongDurationsAndBareSecondsAreConsistent) {
  EXPECT_EQ(ParseDuration("1d")->count(), 86400000);
  EXPECT_EQ(ParseDuration("1000h")->count(), 3600000000LL);
  EXPECT_EQ(ParseDuration("5")->count(), 5000);
  EXPECT_EQ(ParseDuration("365d")->count(), 365LL * 86400000);
  auto over = ParseDuration("366d");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("more than 365d"), std::string::npos);
  auto bad = ParseDuration("soon");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("a bare number is seconds"), std::string::npos)
      << "the message must not claim a unit is required: " << bad.error().message;
}

}  // namespace
}  // namespace preflight::cmd
