#include "container/parse/passwd.h"

#include <gtest/gtest.h>

namespace preflight::container {
namespace {

constexpr const char* kImagePasswd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "netdata:x:201:201::/var/lib/netdata:/usr/sbin/nologin\n";

TEST(FindUser, FindsTheNamedEntry) {
  auto nd = FindUser(kImagePasswd, "netdata");
  ASSERT_TRUE(nd.has_value());
  EXPECT_EQ(nd->uid, 201u);
  EXPECT_EQ(nd->gid, 201u);
  auto root = FindUser(kImagePasswd, "root");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->uid, 0u);
}

TEST(FindUser, NamesMustMatchWholly) {
  EXPECT_FALSE(FindUser(kImagePasswd, "net").has_value());
  EXPECT_FALSE(FindUser(kImagePasswd, "netdata2").has_value());
  EXPECT_FALSE(FindUser(kImagePasswd, "").has_value());
  EXPECT_FALSE(FindUser("netdatax:x:1:1::/:/bin/sh\n", "netdata").has_value());
}

// fault: input | /etc/passwd netdata entry with a non-numeric, missing, 11-digit or negative uid | no user found, nothing guessed
TEST(FindUser, BrokenEntriesAreNotGuessed) {
  for (const char* text :
       {"netdata:x:abc:201::/:/bin/sh", "netdata:x::201", "netdata", "netdata:x:201",
        "netdata:x:99999999999:1::/:/bin/sh", "netdata:x:-1:201::/:/bin/sh", ""}) {
    EXPECT_FALSE(FindUser(text, "netdata").has_value()) << text;
  }
  auto last_line = FindUser("a:x:1:1::/:/bin/sh\nnetdata:x:999:996::/:/bin/false", "netdata");
  ASSERT_TRUE(last_line.has_value()) << "no trailing newline";
  EXPECT_EQ(last_line->uid, 999u);
  EXPECT_EQ(last_line->gid, 996u);
}

}  // namespace
}  // namespace preflight::container
