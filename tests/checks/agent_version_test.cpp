// agent.version against fake `netdata -V` / `-W buildinfo` outputs and a fake /api/v1/info.
#include <gtest/gtest.h>

#include <functional>

#include "checks/agent_generation.h"
#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "container/state/run_records.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using testing::FakeSystem;

constexpr const char* kBin = "/usr/sbin/netdata";

/// `netdata -W buildinfo` of Debian's netdata-core 1.37.1 (captured from the real binary).
constexpr const char* kDebianBuildinfo =
    "Version: netdata v1.37.1\n"
    "Configure options:  '--build=x86_64-linux-gnu' '--prefix=/usr' '--disable-cloud'\n"
    "Install type: unknown\n"
    "Features:\n"
    "    dbengine:                   YES\n"
    "    Native HTTPS:               YES\n"
    "    Netdata Cloud:              NO (by user request)\n"
    "    ACLK:                       NO\n"
    "    TLS Host Verification:      YES\n";
constexpr const char* kV1CloudBuildinfo =
    "Version: netdata v1.44.3\nFeatures:\n    dbengine:                   YES\n"
    "    Netdata Cloud:              YES\n    ACLK:                       YES\n";

void Binary(FakeSystem& s, const std::string& path = kBin) {
  s.AddFile(path,
            "\x7f"
            "ELF",
            0755);
}
void Outputs(FakeSystem& s, const std::string& version, const std::string& buildinfo,
             const std::string& path = kBin) {
  Binary(s, path);
  s.AddCommand(path + " -V", 0, version);
  if (!buildinfo.empty()) s.AddCommand(path + " -W buildinfo", 0, buildinfo);
}

/// Cloud is wanted: a claim token is set (what a Docker user does to connect the node).
void Claiming(FakeSystem& s) { s.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 'a'); }
/// Cloud is wanted: the node was claimed before (no token needed any more).
void ClaimedBefore(FakeSystem& s) {
  s.AddDir("/var/lib/netdata/cloud.d", 0770, 201, 201);
  s.AddFile("/var/lib/netdata/cloud.d/claimed_id", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", 0660,
            201, 201);
}

struct Case {
  const char* name;
  std::function<void(FakeSystem&, Inputs&)> setup;
  Status status;
  const char* message;
  const char* generation;  ///< details.generation
  const char* remediation = "";
};

const Case kCases[] = {
    {"NoBinaryNoApiIsSkipped", [](FakeSystem&, Inputs&) {}, Status::kSkip,
     "no netdata binary found on PATH", "unknown", ""},
    {"AgentFlagPointsNowhere", [](FakeSystem&, Inputs& in) { in.agent = "/nope/netdata"; },
     Status::kError, "--agent `/nope/netdata`", "unknown", "--agent /usr/sbin/netdata"},
    {"AgentFlagIsADirectory",
     [](FakeSystem& s, Inputs& in) {
       s.AddDir("/opt/netdata");
       in.agent = "/opt/netdata";
     },
     Status::kError, "not a regular file", "unknown"},
    {"DebianBuildWithoutCloudCanNeverConnect",
     [](FakeSystem& s, Inputs&) {
       Claiming(s);
       Outputs(s, "netdata v1.37.1\n", kDebianBuildinfo);
     },
     Status::kFail,
     "/usr/sbin/netdata is netdata v1.37.1, built without Netdata Cloud support (`-W buildinfo`: "
     "Netdata Cloud NO (by user request)): this build can never connect to Netdata Cloud",
     "v1", "official netdata/netdata image"},
    // Only local monitoring was asked for: the agent is not refused over Cloud.
    {"WithoutCloudOnlyWarnsWhenClaimingIsNotConfigured",
     [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v1.37.1\n", kDebianBuildinfo); },
     Status::kWarn,
     "this build can never connect to Netdata Cloud; claiming is not configured and the node is "
     "not claimed, so it monitors locally",
     "v1", "official netdata/netdata image"},
    {"WithoutCloudFailsForANodeClaimedBefore",
     [](FakeSystem& s, Inputs&) {
       ClaimedBefore(s);
       Outputs(s, "netdata v1.37.1\n", kDebianBuildinfo);
     },
     Status::kFail, "this build can never connect to Netdata Cloud", "v1"},
    {"OlderThan132OnlyWarnsWhenClaimingIsNotConfigured",
     [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v1.31.0\n", kV1CloudBuildinfo); },
     Status::kWarn,
     "older than v1.32, the oldest agent that Netdata Cloud's troubleshooting "
     "supports; claiming is not configured",
     "v1", "Upgrade the agent"},
    {"CloudYesButAclkNoCannotConnect",
     [](FakeSystem& s, Inputs&) {
       Claiming(s);
       Outputs(s, "netdata v1.36.1\n",
               "    Netdata Cloud:              YES\n    ACLK:                       NO\n");
     },
     Status::kFail, "(`-W buildinfo`: ACLK NO): this build can never connect", "v1"},
    {"OlderThan132Fails",
     [](FakeSystem& s, Inputs&) {
       Claiming(s);
       Outputs(s, "netdata v1.31.0\n", kV1CloudBuildinfo);
     },
     Status::kFail, "older than v1.32", "v1", "Upgrade the agent"},
    {"OldAndWithoutCloudNamesBoth",
     [](FakeSystem& s, Inputs&) {
       Claiming(s);
       Outputs(s, "netdata v1.29.3\n", kDebianBuildinfo);
     },
     Status::kFail, "can never connect to Netdata Cloud, and it is older than v1.32", "v1"},
    {"Exactly132Passes",
     [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v1.32.0\n", kV1CloudBuildinfo); },
     Status::kPass, "netdata v1.32.0 (v1: the entrypoint claims with netdata-claim.sh)", "v1"},
    {"V1WithCloudPasses",
     [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v1.44.3\n", kV1CloudBuildinfo); },
     Status::kPass, "built with Netdata Cloud support", "v1"},
    {"V1BuildinfoSilentIsUnknown",
     [](FakeSystem& s, Inputs&) {
       Outputs(s, "netdata v1.40.0\n", "Features:\n  dbengine: YES\n");
     },
     Status::kPass, "Cloud support unknown (`-W buildinfo` said nothing about it)", "v1"},
    {"V1BuildinfoFailingIsUnknown",
     [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v1.40.0\n", ""); }, Status::kPass,
     "Cloud support unknown", "v1"},
    {"V2Passes", [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v2.11.0\n", ""); }, Status::kPass,
     "netdata v2.11.0 (v2: claims by itself", "v2"},
    {"V2NightlyPasses",
     [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v2.11.0-84-nightly\n", ""); }, Status::kPass,
     "netdata v2.11.0-84-nightly", "v2"},
    {"V199PreReleaseIsV2", [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v1.99.0\n", ""); },
     Status::kPass, "v2: claims by itself", "v2"},
    {"V147IsV1", [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v1.47.5\n", kV1CloudBuildinfo); },
     Status::kPass, "v1: the entrypoint claims", "v1"},
    {"FoundOnPath",
     [](FakeSystem& s, Inputs&) {
       s.env["PATH"] = "relative:/custom/bin:/usr/sbin";
       Outputs(s, "netdata v2.3.0\n", "", "/custom/bin/netdata");
     },
     Status::kPass, "/custom/bin/netdata is netdata v2.3.0", "v2"},
    {"FoundInUsualLocation",
     [](FakeSystem& s, Inputs&) { Outputs(s, "netdata v2.3.0\n", "", "/opt/netdata/bin/netdata"); },
     Status::kPass, "/opt/netdata/bin/netdata is netdata v2.3.0", "v2"},
    {"NonExecutableOnPathIsNotTheAgent",
     [](FakeSystem& s, Inputs&) {
       s.env["PATH"] = "/custom/bin";
       s.AddFile("/custom/bin/netdata", "data", 0644);
     },
     Status::kSkip, "no netdata binary found", "unknown"},
    {"MissingLibraryExit127",
     [](FakeSystem& s, Inputs& in) {
       Binary(s);
       in.agent = kBin;
       s.AddCommand(std::string(kBin) + " -V", 127, "error while loading shared libraries");
     },
     Status::kError, "was not found or a library is missing (exit 127)", "unknown"},
    {"TimedOut",
     [](FakeSystem& s, Inputs&) {
       Binary(s);
       s.AddCommand(std::string(kBin) + " -V", -1, "");
       s.commands[std::string(kBin) + " -V"].timed_out = true;
     },
     Status::kError, "did not answer within 3 s", "unknown"},
    {"KilledBySignal",
     [](FakeSystem& s, Inputs&) {
       Binary(s);
       s.AddCommand(std::string(kBin) + " -V", -1, "");
       s.commands[std::string(kBin) + " -V"].signal = 31;
     },
     Status::kError, "was killed by signal 31", "unknown"},
    {"NotTheAgent",
     [](FakeSystem& s, Inputs& in) {
       Binary(s, "/bin/true");
       in.agent = "/bin/true";
       s.AddCommand("/bin/true -V", 0, "");
     },
     Status::kError, "printed no version", "unknown", "--agent PATH"},
    {"GarbageOutputIsQuotedPrintable",
     [](FakeSystem& s, Inputs&) { Outputs(s, "\x01\x02 hello \xff\n", ""); }, Status::kError,
     "printed no version (\"?? hello ?\")", "unknown"},
    // No binary: the running agent's /api/v1/info.
    {"ApiV2Agent",
     [](FakeSystem& s, Inputs&) {
       container::AgentInfo info;
       info.version = "v2.4.0";
       s.agent.info = info;
     },
     Status::kPass, "the running agent is netdata v2.4.0", "v2"},
    {"ApiDebianAgentWithoutCloud",
     [](FakeSystem& s, Inputs&) {
       Claiming(s);
       container::AgentInfo info;
       info.version = "v1.37.1";
       info.cloud_available = false;
       s.agent.info = info;
     },
     Status::kFail, "this build can never connect", "v1"},
    {"BeforeTheAgentStartsAnAgentOnTheApiIsNotTaken",
     [](FakeSystem& s, Inputs& in) {
       container::AgentInfo info;
       info.version = "v2.4.0";
       s.agent.info = info;
       in.hands_off = true;
     },
     Status::kSkip, "not asked: the agent starts after these checks", "unknown"},
    {"ApiWithoutVersionIsSkipped",
     [](FakeSystem& s, Inputs&) { s.agent.info = container::AgentInfo{}; }, Status::kSkip,
     "its /api/v1/info names no version", "unknown"},
};

class AgentVersionTest : public ::testing::TestWithParam<Case> {};

// fault: input | --agent pointing at a missing path, or a directory (AgentFlagPointsNowhere, AgentFlagIsADirectory) | agent.version error naming "--agent `/nope/netdata`" / "not a regular file", remediation `--agent /usr/sbin/netdata`
// fault: agent | build without Netdata Cloud, Debian 1.37.1 buildinfo (DebianBuildWithoutCloudCanNeverConnect) | agent.version fail quoting `-W buildinfo` "Netdata Cloud NO (by user request)": "this build can never connect", official image remediation
// fault: agent | build without Netdata Cloud, or older than v1.32, while claiming is not configured and the node was never claimed (WithoutCloudOnlyWarnsWhenClaimingIsNotConfigured, OlderThan132OnlyWarnsWhenClaimingIsNotConfigured) | agent.version warn "…; claiming is not configured and the node is not claimed, so it monitors locally": `run` hands off instead of refusing a local-only agent; a node claimed before still fails (WithoutCloudFailsForANodeClaimedBefore)
// fault: agent | buildinfo Netdata Cloud YES but ACLK NO (CloudYesButAclkNoCannotConnect) | agent.version fail "(`-W buildinfo`: ACLK NO): this build can never connect"
// fault: agent | agent older than v1.32 (OlderThan132Fails, OldAndWithoutCloudNamesBoth) | agent.version fail "older than v1.32", "Upgrade the agent"; both faults named when also built without cloud
// fault: agent | `netdata -V` exits 127, shared library missing (MissingLibraryExit127) | agent.version error "was not found or a library is missing (exit 127)"
// fault: agent | `netdata -V` hangs (TimedOut) | agent.version error "did not answer within 3 s"
// fault: agent | `netdata -V` killed by signal 31 (KilledBySignal) | agent.version error "was killed by signal 31"
// fault: agent | --agent is not the agent, prints no version (NotTheAgent) | agent.version error "printed no version", "--agent PATH"
// fault: agent | `netdata -V` prints binary garbage (GarbageOutputIsQuotedPrintable) | agent.version error quoting it printable: "printed no version (\"?? hello ?\")"
// fault: agent | running agent's /api/v1/info says cloud unavailable (ApiDebianAgentWithoutCloud) | agent.version fail "this build can never connect"
// fault: agent | `run` or `check --gate` finds no binary while another agent answers on the API port (BeforeTheAgentStartsAnAgentOnTheApiIsNotTaken) | agent.version skip "not asked: the agent starts after these checks": another agent's version is never reported as this one's
// fault: agent | /api/v1/info without a version (ApiWithoutVersionIsSkipped) | agent.version skip "its /api/v1/info names no version"
TEST_P(AgentVersionTest, Outcome) {
  const Case& c = GetParam();
  FakeSystem sys;
  Inputs in;
  c.setup(sys, in);
  Result r = RunOne(kAgentVersion, sys, "", in);
  ExpectOutcome(r, c.status, c.message, c.remediation);
  EXPECT_EQ(r.details["generation"], c.generation) << Describe(r);
}

INSTANTIATE_TEST_SUITE_P(Cases, AgentVersionTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AgentVersion, V2DoesNotAskBuildinfo) {
  FakeSystem sys;
  Outputs(sys, "netdata v2.11.0\n", "");
  (void)RunOne(kAgentVersion, sys, "");
  EXPECT_EQ(sys.commands_run, (std::vector<std::string>{"/usr/sbin/netdata -V"}));
}

TEST(AgentVersion, WithoutCloudTheNodeIsAbsent) {
  FakeSystem sys;
  Outputs(sys, "netdata v1.37.1\n", kDebianBuildinfo);
  Result r = RunOne(kAgentVersion, sys, "");
  EXPECT_EQ(r.node_state, "absent");
  EXPECT_EQ(r.details["cloud_support"], false);
  EXPECT_EQ(r.details["version"], "v1.37.1");
  EXPECT_EQ(r.details["binary"], kBin);
}

// The generation recorded here is what the claim checks read.
TEST(AgentVersion, GenerationAndBinaryReachTheOtherChecks) {
  FakeSystem sys;
  Outputs(sys, "netdata v1.44.3\n", kV1CloudBuildinfo);
  const Inputs in;
  Context ctx(sys, in);
  ctx.Record("agent.version", kAgentVersion.run(ctx));
  EXPECT_EQ(AgentGeneration(ctx), "v1");
  EXPECT_EQ(AgentBinary(ctx), kBin);
  Context none(sys, in);
  EXPECT_EQ(AgentGeneration(none), "unknown");
  EXPECT_EQ(AgentBinary(none), "");
}

// Restarts of the same image: the answers of the last start are in runs.json, and the agent
// is not run again while the binary is the same file.
class AgentVersionRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    Outputs(sys, "netdata v1.37.1\n", kDebianBuildinfo);
    auto& info = sys.files[kBin].info;
    info.ino = 4711;
    info.mtime_ns = 1700000000000000001;
    info.ctime_ns = 1700000000000000002;
    sys.AddDir(in.var_lib).AddDir(in.var_lib + "/preflight");
  }
  /// One start: agent.version, then the run record `run` would write with what it learnt.
  Result Start() {
    Context ctx(sys, in);
    Result r = kAgentVersion.run(ctx);
    container::RunRecord record;
    record.start_ms = ++starts;
    record.agent = ctx.agent;
    EXPECT_TRUE(container::StoreRunRecord(sys, in.var_lib, record).ok());
    return r;
  }
  FakeSystem sys;
  Inputs in;
  int starts = 0;
};

TEST_F(AgentVersionRecord, TheSameBinaryIsNotRunAgain) {
  Result first = Start();
  ASSERT_EQ(sys.commands_run.size(), 2u) << "-V and -W buildinfo";
  EXPECT_EQ(first.details["answered_by"], "the binary");
  Result second = Start();
  EXPECT_EQ(sys.commands_run.size(), 2u) << "nothing run at the second start";
  EXPECT_EQ(second.status, first.status);
  EXPECT_EQ(second.message, first.message) << "the same diagnosis, word for word";
  EXPECT_EQ(second.node_state, "absent");
  EXPECT_EQ(second.details["version"], "v1.37.1");
  EXPECT_EQ(second.details["generation"], "v1");
  EXPECT_EQ(second.details["cloud_support"], false);
  EXPECT_NE(second.details["answered_by"].get<std::string>().find("run record"), std::string::npos);
}

// fault: agent | the binary is replaced or touched between two starts (inode, size, mtime or ctime differ) | agent.version runs it again; a recorded answer is never used for another file
TEST_F(AgentVersionRecord, AChangedBinaryIsRunAgain) {
  Start();
  sys.files[kBin].info.ctime_ns += 1;  // chmod, touch, a rewrite in place: all change ctime
  sys.AddCommand(std::string(kBin) + " -V", 0, "netdata v2.11.0\n");
  Result r = Start();
  EXPECT_EQ(sys.commands_run.back(), std::string(kBin) + " -V");
  EXPECT_EQ(r.details["version"], "v2.11.0");
  EXPECT_EQ(r.status, Status::kPass) << Describe(r);
}

TEST_F(AgentVersionRecord, ARecordOfAnotherPathIsNotUsed) {
  Start();
  const size_t runs = sys.commands_run.size();
  sys.files["/opt/netdata/bin/netdata"] = sys.files[kBin];
  sys.AddCommand("/opt/netdata/bin/netdata -V", 0, "netdata v2.11.0\n");
  in.agent = "/opt/netdata/bin/netdata";
  Result r = Start();
  EXPECT_EQ(sys.commands_run.size(), runs + 1);
  EXPECT_EQ(r.details["version"], "v2.11.0");
}

// fault: agent | `netdata -W buildinfo` of a v1 agent fails at one start (timed out, killed) | Cloud support reported unknown that time, and not recorded: the next start asks again
TEST_F(AgentVersionRecord, AFailedBuildinfoIsNotRecorded) {
  container::CommandResult killed;
  killed.signal = 9;
  sys.commands[std::string(kBin) + " -W buildinfo"] = killed;
  Result r = Start();
  EXPECT_TRUE(r.details["cloud_support"].is_null()) << Describe(r);
  sys.AddCommand(std::string(kBin) + " -W buildinfo", 0, kDebianBuildinfo);
  Result again = Start();
  EXPECT_EQ(again.details["answered_by"], "the binary");
  EXPECT_EQ(again.details["cloud_support"], false);
  EXPECT_EQ(again.node_state, "absent");
}

// fault: agent | `netdata -V` prints no version at one start | nothing is recorded: the next start asks the binary again
TEST_F(AgentVersionRecord, AFailureIsNotRecorded) {
  sys.AddCommand(std::string(kBin) + " -V", 0, "not a version");
  Result r = Start();
  EXPECT_EQ(r.status, Status::kError);
  sys.AddCommand(std::string(kBin) + " -V", 0, "netdata v2.11.0\n");
  Result again = Start();
  EXPECT_EQ(again.details["version"], "v2.11.0");
}

}  // namespace
}  // namespace preflight::checks
