#include "container/parse/ini.h"

#include <gtest/gtest.h>

namespace preflight::container {
namespace {

TEST(Ini, ParsesSectionsKeysWithSpacesCommentsAndLaterWins) {
  IniFile ini = ParseIni(
      "# comment\n[global]\n\tenabled = yes\n  cloud base url = https://x\n; other\n"
      "[Global]\nenabled = no\n\n[cloud]\n proxy=env \n");
  ASSERT_NE(ini.Find("global", "cloud base url"), nullptr);
  EXPECT_EQ(ini.Find("global", "cloud base url")->value, "https://x");
  EXPECT_EQ(ini.Find("global", "enabled")->value, "no");
  EXPECT_EQ(ini.Find("cloud", "proxy")->value, "env");
  EXPECT_EQ(ini.Find("cloud", "missing"), nullptr);
  EXPECT_TRUE(ini.bad_lines.empty());
}

// fault: input | INI file with an unclosed section, a line without '=', an empty key | the bad line numbers listed; the rest still parsed
TEST(Ini, GarbageLinesAreListedNotFatal) {
  IniFile ini = ParseIni("[global\nnot a pair\n= empty key\n[ok]\nk = v \"q\"\r\n");
  EXPECT_EQ(ini.bad_lines, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(ini.Find("ok", "k")->value, "v \"q\"");
}

// fault: input | 1 MiB of binary bytes as an INI file (claim.conf, cloud.conf) | parsed without a crash
TEST(Ini, SurvivesBinaryAndHugeInput) {
  std::string junk(1 << 20, '\0');
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>(i * 131 % 251);
  IniFile ini = ParseIni(junk);
  EXPECT_LE(ini.entries.size() + ini.bad_lines.size(), junk.size());
}

}  // namespace
}  // namespace preflight::container
