// `run` reads what several checks and the command need once (checks/world.h): the claim settings,
// the mount table. Seen from outside, with strace: the files opened by one start.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

// How often each of `paths` was opened by `args` (and the programs it starts).
std::vector<int> Opens(const std::vector<std::string>& args, const std::vector<std::string>& paths,
                       const std::map<std::string, std::string>& env = {}) {
  TempDir dir;
  const std::string trace = dir.path() + "/trace";
  std::vector<std::string> argv = {"/usr/bin/strace",   "-f", "-qq", "-e",
                                   "trace=open,openat", "-o", trace, BinaryPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunProcess(argv, env, std::chrono::seconds(60));
  EXPECT_FALSE(r.timed_out);
  // strace exits with the traced program's code: a missing strace (127) fails here.
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string log = Slurp(trace);
  EXPECT_NE(log.find("openat("), std::string::npos) << "nothing was traced: " << log;
  std::vector<int> counts;
  for (const auto& path : paths) {
    int n = 0;
    for (size_t at = log.find('"' + path + '"'); at != std::string::npos;
         at = log.find('"' + path + '"', at + 1)) {
      ++n;
    }
    counts.push_back(n);
  }
  return counts;
}

// fault: input | claim.conf and mountinfo read by the command, redaction and every check | each read once per `run`
TEST(WorldOnce, RunReadsTheClaimSettingsAndTheMountsOnce) {
  TempDir d;
  d.Mkdir("lib");
  d.Mkdir("cache");
  d.Write("etc/claim.conf", "[global]\nurl = https://app.netdata.cloud\n[other]\ntoken = x\n");
  const std::vector<std::string> paths = {d.path() + "/etc/claim.conf", "/proc/self/mountinfo"};
  const std::vector<std::string> run = {
      "run",         "--offline",         "--fail-on",    "never",
      "--var-lib",   d.path() + "/lib",   "--config-dir", d.path() + "/etc",
      "--cache-dir", d.path() + "/cache", "--",           "/bin/true"};
  EXPECT_EQ(Opens(run, paths), (std::vector<int>{1, 1})) << "claim.conf, mountinfo: each once";
  // The default places: main reads them before parsing (redaction), the command reuses them.
  const std::vector<std::string> defaults = {"/etc/netdata/claim.conf"};
  EXPECT_EQ(Opens({"run", "--offline", "--fail-on", "never", "--", "/bin/true"}, defaults),
            (std::vector<int>{1}));
  // The places the environment names (a Kubernetes env: block): read once there, and never at
  // the defaults.
  const std::vector<std::string> both = {d.path() + "/etc/claim.conf", "/etc/netdata/claim.conf"};
  EXPECT_EQ(Opens({"run", "--offline", "--fail-on", "never", "--", "/bin/true"}, both,
                  {{"PREFLIGHT_VAR_LIB", d.path() + "/lib"},
                   {"PREFLIGHT_CONFIG_DIR", d.path() + "/etc"},
                   {"PREFLIGHT_CACHE_DIR", d.path() + "/cache"}}),
            (std::vector<int>{1, 0}));
}

}  // namespace
}  // namespace preflight::testing
