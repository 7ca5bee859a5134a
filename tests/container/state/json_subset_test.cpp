// The fast lexer for our own JSON (container/state/json_subset.h): it reads all that
// SerializeRunRecords writes, gives the handler nlohmann's very events, and declines the rest.
#include "container/state/json_subset.h"

#include <gtest/gtest.h>

#include <string>

#include "container/state/run_records.h"
#include "container/state/sax_recorder.h"

namespace preflight::container {
namespace {

using testing::SaxRecorder;

struct Lexed {
  bool accepted = false;
  std::string fast, reference;
  bool reference_ok = false;
};

Lexed Lex(const std::string& text) {
  Lexed out;
  SaxRecorder fast, reference;
  out.accepted = SaxParseSubset(text, fast);
  out.reference_ok = nlohmann::json::sax_parse(text.begin(), text.end(), &reference);
  out.fast = fast.log;
  out.reference = reference.log;
  return out;
}

std::vector<RunRecord> TwentyRecords() {
  std::vector<RunRecord> runs;
  for (int i = 0; i < 20; ++i) {
    RunRecord r;
    r.start_ms = 1767225600000 + i * 1000;
    r.pid = i == 0 ? 1 : 4000 + i;
    r.mode = i % 3 == 0 ? "exec" : (i % 3 == 1 ? "supervise" : "refused");
    if (i % 2) r.end_ms = r.start_ms + 12345, r.exit_code = 137, r.signal = 9;
    r.claimed_at_start = i % 2 == 0;
    if (i % 4 == 1) r.claimed_at_end = true;
    if (i % 5 == 2) r.link_online_s = 0.1 * i + 1.0 / 3;
    r.container_id = std::string(64, "0123456789abcdef"[i % 16]);
    r.boot_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    if (i == 7) {
      KnownAgent a;
      a.path = "/usr/sbin/netdata";
      a.version = "v2.8.1";
      a.cloud = true;
      a.cloud_evidence = "`-W buildinfo`: \"Netdata Cloud\" YES\tok";
      a.ino = 18446744073709551615ull;
      a.size = 7340032;
      a.mtime_ns = -1;
      a.ctime_ns = 1796218595123456789;
      r.agent = a;
    }
    runs.push_back(r);
  }
  return runs;
}

TEST(JsonSubset, ReadsWhatWeWriteWithNlohmannsEvents) {
  const std::string text = SerializeRunRecords(TwentyRecords());
  const Lexed l = Lex(text);
  ASSERT_TRUE(l.accepted) << text;
  ASSERT_TRUE(l.reference_ok);
  EXPECT_EQ(l.fast, l.reference);
  EXPECT_EQ(l.fast.find("error"), std::string::npos);
  // And the records are the same whichever lexer read them.
  auto parsed = ParseRunRecords(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(SerializeRunRecords(*parsed), text);
}

TEST(JsonSubset, ScalarsAndNestingMatchNlohmann) {
  for (const char* text : {
           R"({"a":[-0,0,1.5e3,2E-2,-1.25,1e-300,18446744073709551615,-9223372036854775808]})",
           R"(["x\"\\\/\b\f\n\r\t", true, false, null, {}, [], {"b": {"c": [1]}}])",
           " \t\r\n{ \"k\" : 1 , \"k\" : [ ] }\n ",
           "17",
           "\"top\"",
           "0.1",
           "-9223372036854775807",
       }) {
    SCOPED_TRACE(text);
    const Lexed l = Lex(text);
    EXPECT_TRUE(l.accepted);
    EXPECT_TRUE(l.reference_ok);
    EXPECT_EQ(l.fast, l.reference);
  }
}

TEST(JsonSubset, DeclinesInvalidJson) {
  for (const char* text : {
           "",       " ",        "{",       "}",    "[1,]",  "{\"a\":1,}", "{\"a\" 1}",
           "{1:2}",  "[1 2]",    "01",      "-",    "1.",    ".5",         "+1",
           "1e",     "1e+",      "--1",     "tru",  "nul",   "NaN",        "Infinity",
           "\"open", "\"a\nb\"", "\"\\x\"", "[1]]", "[1] x", "{}{}",       "\xef\xbb\xbf{}",
       }) {
    SCOPED_TRACE(text);
    const Lexed l = Lex(text);
    EXPECT_FALSE(l.accepted);
    EXPECT_EQ(l.fast.find("error"), std::string::npos) << "it never reports errors itself";
  }
}

// Valid JSON that we never write: nlohmann reads it (and says what is wrong with it).
TEST(JsonSubset, DeclinesValidJsonOutsideTheSubset) {
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  for (const std::string& text : {
           std::string(R"("caf\u00e9")"),
           std::string("\"caf\xc3\xa9\""),
           std::string("\"\x7f\""),
           std::string("1e400"),
           std::string("-1e400"),
           std::string("18446744073709551616"),
           std::string("-9223372036854775809"),
           std::string("1e-400"),
           deep,
       }) {
    SCOPED_TRACE(text);
    const Lexed l = Lex(text);
    EXPECT_FALSE(l.accepted);
  }
  // Within the depth limit it does read nesting.
  const std::string ok = std::string(32, '[') + std::string(32, ']');
  EXPECT_TRUE(Lex(ok).accepted);
}

// A hand-edited runs.json (an escaped é, spaces) goes to nlohmann and still reads.
TEST(JsonSubset, RecordsOutsideTheSubsetStillParse) {
  const std::string text =
      "{ \"schema\": 1, \"runs\": [ {\"start_ms\": 5, \"mode\": \"exec\", \"boot_id\": "
      "\"caf\\u00e9\"} ] }";
  ASSERT_FALSE(Lex(text).accepted);
  auto parsed = ParseRunRecords(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].boot_id, "caf\xc3\xa9");
}

}  // namespace
}  // namespace preflight::container
