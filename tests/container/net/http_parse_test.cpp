// HTTP status/header parsing and the classification of Cloud vs middlebox answers.
#include "container/net/http_parse.h"

#include <gtest/gtest.h>

namespace preflight::container {
namespace {

// fault: network | malformed HTTP status lines: "", "HTTP/1.1", "HTTP/1.1 20", "HTTP/x 200", "FTP/1.1 200", "HTTP/1.1 099" | rejected
TEST(HttpParse, StatusLines) {
  auto s = ParseStatusLine("HTTP/1.1 404 Not Found");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->code, 404);
  EXPECT_EQ(s->reason, "Not Found");
  EXPECT_EQ(ParseStatusLine("HTTP/2 200")->code, 200);
  for (const char* bad :
       {"", "HTTP/1.1", "HTTP/1.1 20", "HTTP/x 200", "FTP/1.1 200", "HTTP/1.1 099"}) {
    EXPECT_FALSE(ParseStatusLine(bad)) << bad;
  }
}

TEST(HttpParse, Headers) {
  auto h = ParseHeaderLine("Content-Type:  text/html; charset=utf-8 ");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->first, "content-type");
  EXPECT_EQ(h->second, "text/html; charset=utf-8");
  EXPECT_FALSE(ParseHeaderLine("no colon"));
  EXPECT_FALSE(ParseHeaderLine(": empty name"));
}

// fault: network | 403/429 answers, an HTML "Access denied by policy" 200 page, an HTML 401 or a 200 to the WebSocket upgrade | classified blocked, block page, WebSocket refused; a JSON 401 is the Cloud's auth refusal
TEST(HttpParse, Classification) {
  EXPECT_EQ(ClassifyHttpAnswer(404, "application/json", "{}"), HttpVerdict::kReachable);
  EXPECT_EQ(ClassifyHttpAnswer(200, "text/html", "<html>Netdata</html>"), HttpVerdict::kReachable);
  EXPECT_EQ(ClassifyHttpAnswer(403, "application/json", "{}"), HttpVerdict::kBlocked);
  EXPECT_EQ(ClassifyHttpAnswer(429, "", ""), HttpVerdict::kBlocked);
  EXPECT_EQ(ClassifyHttpAnswer(200, "text/html", "<html>Access denied by policy</html>"),
            HttpVerdict::kBlockPage);
  EXPECT_EQ(ClassifyWebSocketAnswer(true, 101, "", ""), WsVerdict::kUpgraded);
  EXPECT_EQ(ClassifyWebSocketAnswer(true, 401, "application/json", "{}"), WsVerdict::kAuthRefused);
  EXPECT_EQ(ClassifyWebSocketAnswer(true, 401, "text/html", "<html>"), WsVerdict::kRefused);
  EXPECT_EQ(ClassifyWebSocketAnswer(true, 200, "", ""), WsVerdict::kRefused);
  EXPECT_EQ(ClassifyWebSocketAnswer(false, 0, "", ""), WsVerdict::kNoAnswer);
}

}  // namespace
}  // namespace preflight::container
