#include "container/state/run_records.h"

#include <gtest/gtest.h>

#include <functional>

#include "container/state/run_records_reference.h"
#include "fakes/fake_system.h"

namespace preflight::container {
namespace {

RunRecord Sample(int64_t start) {
  RunRecord r;
  r.start_ms = start;
  r.pid = 1;
  r.mode = "supervise";
  r.end_ms = start + 42000;
  r.exit_code = 137;
  r.signal = 9;
  r.claimed_at_start = true;
  r.claimed_at_end = false;
  r.link_online_s = 12.25;
  r.container_id = std::string(64, 'a');
  r.boot_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  return r;
}

TEST(RunRecordsParse, RoundTripKeepsEveryField) {
  RunRecord exec;
  exec.start_ms = 5;
  exec.pid = 77;
  const std::vector<RunRecord> in = {Sample(1000), exec};
  auto out = ParseRunRecords(SerializeRunRecords(in));
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 2u);
  const RunRecord& a = (*out)[0];
  EXPECT_EQ(a.start_ms, 1000);
  EXPECT_EQ(a.end_ms, 43000);
  EXPECT_EQ(a.exit_code, 137);
  EXPECT_EQ(a.signal, 9);
  EXPECT_TRUE(a.claimed_at_start);
  EXPECT_EQ(a.claimed_at_end, false);
  EXPECT_DOUBLE_EQ(*a.link_online_s, 12.25);
  EXPECT_EQ(a.container_id, std::string(64, 'a'));
  EXPECT_EQ(a.mode, "supervise");
  const RunRecord& b = (*out)[1];
  EXPECT_EQ(b.pid, 77);
  EXPECT_EQ(b.mode, "exec");
  EXPECT_FALSE(b.end_ms.has_value()) << "an exec-mode record has no end";
  EXPECT_FALSE(b.link_online_s.has_value());
  EXPECT_FALSE(b.claimed_at_end.has_value());
}

TEST(RunRecordsParse, KeepsOnlyTheNewestTwenty) {
  std::vector<RunRecord> many;
  for (int i = 0; i < 25; ++i) many.push_back(Sample(i));
  auto out = ParseRunRecords(SerializeRunRecords(many));
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), kMaxRunRecords);
  EXPECT_EQ(out->front().start_ms, 5);
  EXPECT_EQ(out->back().start_ms, 24);
}

// The agent's facts survive the file, and are found only for the very same binary.
TEST(RunRecordsParse, KnownAgentRoundTripsAndMatchesOnlyTheSameFile) {
  FileInfo info;
  info.ino = 1ull << 63;  // overlayfs with xino sets the high bits
  info.size = 7340032;
  info.mtime_ns = 1700000000123456789;
  info.ctime_ns = 1700000001987654321;
  info.dev = 99;
  KnownAgent a = KnownAgent::Of("/usr/sbin/netdata", info);
  a.version = "v2.1.0";
  a.cloud = true;
  RunRecord older = Sample(1000), newer = Sample(2000), none = Sample(3000);
  older.agent = a;
  older.agent->version = "v2.0.0";
  newer.agent = a;
  auto out = ParseRunRecords(SerializeRunRecords({older, newer, none}));
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE((*out)[1].agent.has_value());
  EXPECT_EQ((*out)[1].agent->ino, 1ull << 63);
  EXPECT_EQ((*out)[1].agent->ctime_ns, 1700000001987654321);
  EXPECT_FALSE((*out)[2].agent.has_value());

  const KnownAgent* found = FindKnownAgent(*out, "/usr/sbin/netdata", info);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->version, "v2.1.0") << "the newest record that knows the file";
  FileInfo other_container = info;
  other_container.dev = 100;  // a new overlay mount of the same image
  EXPECT_NE(FindKnownAgent(*out, "/usr/sbin/netdata", other_container), nullptr);
  for (auto change : std::vector<std::function<void(FileInfo&)>>{
           [](FileInfo& f) { f.ctime_ns += 1; }, [](FileInfo& f) { f.mtime_ns -= 1; },
           [](FileInfo& f) { f.size += 1; }, [](FileInfo& f) { f.ino += 1; }}) {
    FileInfo changed = info;
    change(changed);
    EXPECT_EQ(FindKnownAgent(*out, "/usr/sbin/netdata", changed), nullptr);
  }
  EXPECT_EQ(FindKnownAgent(*out, "/opt/netdata/bin/netdata", info), nullptr);
}

TEST(RunRecordsParse, EmptyTextIsNoRecords) {
  auto out = ParseRunRecords("  \n");
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());
}

// fault: records | runs.json torn, future schema, wrong types, unknown mode, exit code 99999999999, negative times, 300 KiB, 100 000-deep nesting | rejected with an error naming runs.json, never a crash
TEST(RunRecordsParse, RejectsWhatIsNotOurs) {
  const char* bad[] = {
      "{",                                                          // torn
      "[]",                                                         // not an object
      "{\"schema\":2,\"runs\":[]}",                                 // future schema
      "{\"schema\":1}",                                             // no runs
      "{\"schema\":1,\"runs\":{}}",                                 // runs not a list
      "{\"schema\":1,\"runs\":[1]}",                                // a run not an object
      "{\"schema\":1,\"runs\":[{\"pid\":1}]}",                      // no start
      "{\"schema\":1,\"runs\":[{\"start_ms\":\"x\"}]}",             // wrong type
      "{\"schema\":1,\"runs\":[{\"start_ms\":1,\"mode\":\"x\"}]}",  // unknown mode
      "{\"schema\":1,\"runs\":[{\"start_ms\":1,\"exit_code\":99999999999}]}",
      "{\"schema\":1,\"runs\":[{\"start_ms\":1,\"link_online_s\":-1}]}",
      "{\"schema\":1,\"runs\":[{\"start_ms\":-5}]}",
  };
  for (const char* text : bad) {
    auto out = ParseRunRecords(text);
    EXPECT_FALSE(out.ok()) << text;
    if (!out.ok()) {
      EXPECT_NE(out.error().message.find("runs.json"), std::string::npos);
    }
  }
  EXPECT_FALSE(ParseRunRecords(std::string(300 * 1024, ' ') + "x").ok()) << "oversized";
  EXPECT_FALSE(ParseRunRecords(std::string(100000, '[')).ok()) << "deep nesting";
}

bool SameAgent(const std::optional<KnownAgent>& a, const std::optional<KnownAgent>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return a->path == b->path && a->ino == b->ino && a->size == b->size &&
         a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns && a->version == b->version &&
         a->cloud == b->cloud && a->cloud_evidence == b->cloud_evidence;
}

// The streaming reader must say exactly what the document parser it replaced said: the same
// records, or the same error, for the corner cases of JSON that a document model settles by
// itself (the last duplicate key wins, null is absent, unsigned numbers, skipped containers).
TEST(RunRecordsParse, AgreesWithTheDocumentParser) {
  const std::string rec = R"({"start_ms":7,"pid":3,"mode":"supervise"})";
  const std::string cases[] = {
      R"({"schema":1,"runs":[)" + rec + "]}",
      R"({"runs":[)" + rec + R"(],"schema":1})",  // schema last
      R"({"schema":1,"schema":2,"runs":[]})",     // last schema wins
      R"({"schema":2,"schema":1,"runs":[]})",
      R"({"schema":1.0,"runs":[]})",  // a float is no schema
      R"({"schema":"1","runs":[]})",
      R"({"schema":{"a":1},"runs":[]})",
      R"({"schema":1,"runs":[1],"runs":[)" + rec + "]}",  // last runs wins
      R"({"schema":1,"runs":[)" + rec + R"(],"runs":3})",
      R"({"schema":1,"runs":[)" + rec + R"(],"runs":{}})",
      R"({"schema":1,"runs":[{"start_ms":"x","start_ms":5}]})",   // a later value repairs
      R"({"schema":1,"runs":[{"start_ms":5,"start_ms":null}]})",  // a later null removes
      R"({"schema":1,"runs":[{"start_ms":5,"pid":null,"mode":null}]})",
      R"({"schema":1,"runs":[{"start_ms":18446744073709551615}]})",  // unsigned, wraps
      R"({"schema":1,"runs":[{"start_ms":9223372036854775807,"pid":4294967296}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"link_online_s":18446744073709551615}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"link_online_s":3}]})",  // an integer is a number
      R"({"schema":1,"runs":[{"start_ms":1,"claimed_at_end":1}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"mode":["exec"]}]})",  // a container field
      R"({"schema":1,"runs":[{"start_ms":1,"other":{"mode":"x","start_ms":"y"}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"other":[[{"runs":1}]]}],"extra":[{"schema":2}]})",
      R"({"schema":1,"runs":[[],)" + rec + "]}",  // an array as a run
      R"({"schema":1,"runs":[{"start_ms":1,"boot_id":")" + std::string(257, 'b') + R"("}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"boot_id":")" + std::string(256, 'b') + R"("}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"container_id":"\u00e9\n\"x\""}]})",
      R"({"schema":1,"runs":[{"start_ms":-1},{"start_ms":"x"}]})",  // the first error
      R"({"schema":1,"runs":[{"pid":1}]} x)",                       // trailing bytes
      R"({"schema":1,"runs":[{"pid":1})",                           // torn
      "[" + rec + "]",
      "\"text\"",
      "{}",
      // The agent entry: kept whole, or dropped without making the file corrupt.
      R"({"schema":1,"runs":[{"start_ms":1,AGENT}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":1,"size":2,"mtime_ns":-3,"ctime_ns":4,"version":"v1.37.1"}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":1,"size":2,"mtime_ns":3,"ctime_ns":4}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":-1,"size":2,"mtime_ns":3,"ctime_ns":4,"version":"v"}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":18446744073709551615,"size":2,"mtime_ns":3,"ctime_ns":4,"version":"v"}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":1,"size":2,"mtime_ns":9223372036854775808,"ctime_ns":4,"version":"v"}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":1,"size":2.5,"mtime_ns":3,"ctime_ns":4,"version":"v"}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":1,"size":2,"mtime_ns":3,"ctime_ns":4,"version":"v","cloud":"yes"}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":1,"size":2,"mtime_ns":3,"ctime_ns":4,"version":"v","cloud":"yes","cloud":false}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":1,"size":2,"mtime_ns":3,"ctime_ns":4,"version":"v","cloud_evidence":"x","cloud_evidence":null}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":"/a","ino":1,"size":2,"mtime_ns":3,"ctime_ns":4,"version":"v","x":{"path":1}}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":["/a"],"ino":1,"size":2,"mtime_ns":3,"ctime_ns":4,"version":"v"}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"path":5,"path":"/b","ino":1,"size":2,"mtime_ns":3,"ctime_ns":4,"version":"v"}}]})",
      R"({"schema":1,"runs":[{"start_ms":1,AGENT,"agent":null}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":null,AGENT}]})",
      R"({"schema":1,"runs":[{"start_ms":1,AGENT,"agent":[1]}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":"v2"}]})",
      R"({"schema":1,"runs":[{"start_ms":1,"agent":{"version":")" + std::string(65, 'v') +
          R"(","path":"/a","ino":1,"size":2,"mtime_ns":3,"ctime_ns":4}}]})",
      R"({"schema":1,"runs":[{"start_ms":"x",AGENT}]})",
  };
  for (std::string text : cases) {
    for (size_t at; (at = text.find("AGENT")) != std::string::npos;) {
      text.replace(
          at, 5,
          R"("agent":{"path":"/usr/sbin/netdata","ino":12,"size":34,"mtime_ns":5,"ctime_ns":6,"version":"v2.1.0","cloud":true,"cloud_evidence":"e"})");
    }
    auto got = ParseRunRecords(text);
    auto want = reference::ParseRunRecords(text);
    ASSERT_EQ(got.ok(), want.ok()) << text;
    if (!want.ok()) {
      EXPECT_EQ(got.error().message, want.error().message) << text;
      continue;
    }
    ASSERT_EQ(got->size(), want->size()) << text;
    for (size_t i = 0; i < got->size(); ++i) {
      const RunRecord &a = (*got)[i], &b = (*want)[i];
      EXPECT_TRUE(a.start_ms == b.start_ms && a.pid == b.pid && a.mode == b.mode &&
                  a.end_ms == b.end_ms && a.exit_code == b.exit_code && a.signal == b.signal &&
                  a.claimed_at_start == b.claimed_at_start &&
                  a.claimed_at_end == b.claimed_at_end && a.link_online_s == b.link_online_s &&
                  a.container_id == b.container_id && a.boot_id == b.boot_id &&
                  SameAgent(a.agent, b.agent))
          << text << " record " << i;
    }
    EXPECT_EQ(SerializeRunRecords(*got), reference::SerializeRunRecords(*want)) << text;
  }
}

class RunRecordsStore : public ::testing::Test {
 protected:
  testing::FakeSystem sys;
  const std::string var_lib = "/var/lib/netdata";
  const std::string path = "/var/lib/netdata/preflight/runs.json";
};

TEST_F(RunRecordsStore, AppendsAndReplacesTheSameRun) {
  sys.AddDir(var_lib);
  RunRecord r = Sample(1000);
  r.end_ms.reset();
  ASSERT_TRUE(StoreRunRecord(sys, var_lib, r).ok());
  r.end_ms = 2000;
  ASSERT_TRUE(StoreRunRecord(sys, var_lib, r).ok());
  ASSERT_TRUE(StoreRunRecord(sys, var_lib, Sample(3000)).ok());
  auto loaded = LoadRunRecords(sys, var_lib, false);
  EXPECT_TRUE(loaded.problem.empty());
  ASSERT_EQ(loaded.records.size(), 2u);
  EXPECT_EQ(loaded.records[0].end_ms, 2000);
  EXPECT_TRUE(sys.files.count("/var/lib/netdata/preflight")) << "preflight/ is created";
}

TEST_F(RunRecordsStore, ALateStartWriteKeepsTheEnd) {
  sys.AddDir(var_lib);
  RunRecord ended = Sample(1000);
  ASSERT_TRUE(StoreRunRecord(sys, var_lib, ended).ok());
  RunRecord start_only = ended;
  start_only.end_ms.reset();
  start_only.exit_code.reset();
  start_only.signal.reset();
  ASSERT_TRUE(StoreRunRecord(sys, var_lib, start_only).ok());
  auto loaded = LoadRunRecords(sys, var_lib, false);
  ASSERT_EQ(loaded.records.size(), 1u);
  EXPECT_EQ(loaded.records[0].end_ms, ended.end_ms);
  EXPECT_EQ(loaded.records[0].exit_code, 137);
}

TEST_F(RunRecordsStore, ReportsThePreviousRun) {
  sys.AddDir(var_lib);
  RunRecord first = Sample(1000);
  first.end_ms.reset();
  ASSERT_TRUE(StoreRunRecord(sys, var_lib, first).ok());
  std::optional<RunRecord> previous;
  ASSERT_TRUE(StoreRunRecord(sys, var_lib, Sample(2000), nullptr, &previous).ok());
  ASSERT_TRUE(previous.has_value());
  EXPECT_EQ(previous->start_ms, 1000);
  EXPECT_FALSE(previous->end_ms.has_value());
}

// fault: records | torn runs.json when a run is recorded | "not valid JSON", set aside as runs.json.corrupt-*, nothing of it kept
TEST_F(RunRecordsStore, CorruptFileIsSetAsideAndNotTrusted) {
  sys.AddDir(var_lib)
      .AddDir(var_lib + "/preflight")
      .AddFile(path, "{\"schema\":1,\"runs\":[{\"start");
  std::string problem;
  ASSERT_TRUE(StoreRunRecord(sys, var_lib, Sample(5), &problem).ok());
  EXPECT_NE(problem.find("not valid JSON"), std::string::npos) << problem;
  EXPECT_NE(problem.find("set aside as " + path + ".corrupt-"), std::string::npos) << problem;
  auto loaded = LoadRunRecords(sys, var_lib, false);
  ASSERT_EQ(loaded.records.size(), 1u) << "only the new record: nothing of the corrupt file";
  bool aside = false;
  for (const auto& [p, f] : sys.files) aside = aside || p.rfind(path + ".corrupt-", 0) == 0;
  EXPECT_TRUE(aside);
}

// fault: records | garbage runs.json on a read-only load | a problem reported, the file left in place
TEST_F(RunRecordsStore, ReadOnlyLoadLeavesACorruptFileInPlace) {
  sys.AddDir(var_lib).AddDir(var_lib + "/preflight").AddFile(path, "garbage");
  auto loaded = LoadRunRecords(sys, var_lib, false);
  EXPECT_FALSE(loaded.problem.empty());
  EXPECT_TRUE(sys.files.count(path));
}

// fault: volume | /var/lib/netdata absent | no record (ENOENT), nothing written, no directory created
TEST_F(RunRecordsStore, NoVarLibNoRecordAndNoDirectoryCreated) {
  auto s = StoreRunRecord(sys, var_lib, Sample(1));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ENOENT);
  EXPECT_TRUE(sys.written.empty());
  EXPECT_FALSE(sys.files.count(var_lib));
}

// fault: input | runs.json a symlink to /etc/passwd | never written through: the link itself is set aside (renamed), a regular runs.json written in its place, /etc/passwd untouched
TEST_F(RunRecordsStore, SymlinkedFileIsRefused) {
  sys.AddDir(var_lib).AddDir(var_lib + "/preflight").AddSymlink(path, "/etc/passwd");
  std::string problem;
  EXPECT_TRUE(StoreRunRecord(sys, var_lib, Sample(1), &problem).ok());
  EXPECT_NE(problem.find("set aside as " + path + ".corrupt-"), std::string::npos) << problem;
  EXPECT_EQ(sys.written.count("/etc/passwd"), 0u);
  ASSERT_EQ(sys.written.count(path), 1u);
  EXPECT_EQ(sys.files[path].info.type, FileType::kRegular);
}

}  // namespace
}  // namespace preflight::container
