// Proxy rules: libcurl's for claiming, the ACLK's for the link; parsing and redaction.
#include "container/net/proxy.h"

#include <gtest/gtest.h>

namespace preflight::container {
namespace {

TEST(ProxyUrl, ParsesSchemeCredentialsHostPort) {
  auto u = ParseUrl("http://alice:s3cret@Proxy.Corp:3128/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->user, "alice");
  EXPECT_EQ(u->password, "s3cret");
  EXPECT_EQ(u->host, "proxy.corp");
  EXPECT_EQ(u->port, 3128);
  auto bare = ParseUrl("proxy:8080");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->scheme, "http");
  auto v6 = ParseUrl("socks5h://[fd00::1]:1080");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "fd00::1");
  EXPECT_EQ(ParseUrl("https://api.netdata.cloud")->port, 443);
}

// fault: proxy | malformed proxy URL carrying a password: empty host, port 99999, "[::1" unclosed, a space in the host | an error that never shows the password
TEST(ProxyUrl, BadUrlsAreErrorsThatNeverShowThePassword) {
  for (const char* bad : {"", "http://", "http://u:pw1234@host:99999", "http://u:pw1234@[::1",
                          "http://u:pw1234@ho st:1"}) {
    auto u = ParseUrl(bad);
    EXPECT_FALSE(u.ok()) << bad;
    if (!u.ok()) {
      EXPECT_EQ(u.error().message.find("pw1234"), std::string::npos);
    }
  }
}

// fault: proxy | proxy password with unescaped '/', '?' or '#' | the whole user:password shown as ***@host
TEST(ProxyUrl, RedactHidesCredentials) {
  EXPECT_EQ(RedactUrl("http://alice:s3cret@proxy:3128"), "http://***@proxy:3128");
  EXPECT_EQ(RedactUrl("http://proxy:3128"), "http://proxy:3128");
  EXPECT_EQ(RedactUrl("alice:s3cret@proxy:3128/x@y"), "***@proxy:3128/x@y");
  // Unescaped '/', '?' or '#' in a password must not end the part that is hidden.
  EXPECT_EQ(RedactUrl("http://alice:s3/cr?e#t@proxy:3128"), "http://***@proxy:3128");
  EXPECT_EQ(RedactUrl("socks5h://bob:a/b@10.0.0.1:1080/"), "socks5h://***@10.0.0.1:1080/");
}

TEST(ClaimProxy, FollowsLibcurlEnvironmentRules) {
  EnvMap env{{"HTTPS_PROXY", "http://upper:1"}, {"https_proxy", "http://lower:1"}};
  EXPECT_EQ(ClaimProxy("env", "s", env, "app.netdata.cloud").url, "http://lower:1");
  env.erase("https_proxy");
  EXPECT_EQ(ClaimProxy("", "s", env, "app.netdata.cloud").url, "http://upper:1");
  env = {{"ALL_PROXY", "socks5h://all:1"}, {"http_proxy", "http://ignored:1"}};
  EXPECT_EQ(ClaimProxy("env", "s", env, "app.netdata.cloud").url, "socks5h://all:1");
  env = {{"http_proxy", "http://only-http:1"}};
  EXPECT_EQ(ClaimProxy("env", "s", env, "app.netdata.cloud").url, "");  // not for https URLs
}

TEST(ClaimProxy, NoProxyAndNoneAndExplicit) {
  EnvMap env{{"https_proxy", "http://p:1"}, {"no_proxy", "localhost,.netdata.cloud"}};
  auto c = ClaimProxy("env", "s", env, "app.netdata.cloud");
  EXPECT_EQ(c.url, "");
  EXPECT_NE(c.why.find("no_proxy"), std::string::npos);
  EXPECT_EQ(ClaimProxy("env", "s", env, "example.org").url, "http://p:1");
  EXPECT_EQ(ClaimProxy("none", "NETDATA_CLAIM_PROXY", env, "example.org").url, "");
  EXPECT_EQ(ClaimProxy("http://x:3", "claim.conf", env, "app.netdata.cloud").url, "http://x:3");
  EXPECT_TRUE(NoProxyMatches("*", "anything"));
  EXPECT_TRUE(NoProxyMatches("netdata.cloud", "api.netdata.cloud"));
  EXPECT_FALSE(NoProxyMatches("netdata.cloud", "notnetdata.cloud"));
}

TEST(LinkProxy, LowercaseHttpProxyThenHttpsProxyOnly) {
  EnvMap env{{"HTTPS_PROXY", "http://upper:1"}, {"HTTP_PROXY", "http://upper:2"}};
  EXPECT_EQ(LinkProxy("env", "cloud.conf", env).url, "");
  env["https_proxy"] = "http://lower-https:1";
  EXPECT_EQ(LinkProxy("env", "cloud.conf", env).url, "http://lower-https:1");
  env["http_proxy"] = "http://lower-http:1";
  EXPECT_EQ(LinkProxy("env", "cloud.conf", env).url, "http://lower-http:1");
  env["no_proxy"] = "*";  // the ACLK ignores it
  EXPECT_EQ(LinkProxy("env", "cloud.conf", env).url, "http://lower-http:1");
  EXPECT_EQ(LinkProxy("none", "cloud.conf", env).url, "");
  EXPECT_EQ(LinkProxy("", "cloud.conf", env).url, "");
  EXPECT_EQ(LinkProxy("socks5h://s:1080", "cloud.conf", env).url, "socks5h://s:1080");
}

TEST(ProxyResolvesNames, HttpAndSocks5hDoSocks5DoesNot) {
  EXPECT_TRUE(ProxyResolvesNames("http://p:1"));
  EXPECT_TRUE(ProxyResolvesNames("socks5h://p:1"));
  EXPECT_FALSE(ProxyResolvesNames("socks5://p:1"));
  EXPECT_FALSE(ProxyResolvesNames("not a url @@"));
}

}  // namespace
}  // namespace preflight::container

namespace preflight::container {
namespace {

// The ACLK's own prefix test (aclk_verify_proxy): http:// always, socks5[h]:// from the
// environment only where the version allows it; a bad http_proxy does not fall back.
TEST(LinkProxy, UnknownFormatIsDirectWithoutFallbackAndQuotedShort) {
  EnvMap env{{"http_proxy", "HTTP://p:1"}, {"https_proxy", "http://good:1"}};
  auto c = LinkProxy("env", "cloud.conf", env);
  EXPECT_EQ(c.url, "");
  EXPECT_EQ(c.source, "http_proxy");
  EXPECT_NE(c.why.find("defined but of unknown format"), std::string::npos) << c.why;
  env["http_proxy"] = "socks5h://s:1080";
  EXPECT_EQ(LinkProxy("env", "cloud.conf", env).url, "socks5h://s:1080");
  EXPECT_EQ(LinkProxy("env", "cloud.conf", env, {true, false}).url, "");
  env.erase("http_proxy");
  EXPECT_EQ(LinkProxy("env", "cloud.conf", env, {false, false}).url, "");  // v2.2: no https_proxy
  EXPECT_EQ(LinkProxy("env", "cloud.conf", env, {true, false}).url, "http://good:1");
  EXPECT_EQ(LinkProxy("https://p:1", "cloud.conf", env).url, "");
  env["http_proxy"] = std::string(100000, 'x');
  EXPECT_LT(LinkProxy("env", "cloud.conf", env).why.size(), 400u);
}

}  // namespace
}  // namespace preflight::container
