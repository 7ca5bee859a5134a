#pragma once
/// A Docker container as the netdata image makes it, for check tests: the three netdata
/// directories (201:0, 0770 for lib and cache), /.dockerenv, the given mount table, and room on
/// every filesystem. Mount tables captured from real engines are in tests/fixtures/mountinfo/.

#include <fstream>
#include <sstream>
#include <string>

#include "fakes/fake_system.h"

namespace preflight::testing {

/// The text of tests/fixtures/mountinfo/NAME.
inline std::string MountinfoFixture(const std::string& name) {
  std::ifstream f(std::string(PREFLIGHT_SOURCE_DIR) + "/tests/fixtures/mountinfo/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline FakeSystem DockerContainer(const std::string& mountinfo) {
  FakeSystem sys;
  sys.AddFile("/.dockerenv", "");
  sys.AddFile("/proc/self/mountinfo", mountinfo);
  for (const char* d : {"/var", "/var/lib", "/var/cache", "/etc"}) sys.AddDir(d);
  sys.AddDir("/var/lib/netdata", 0770, 201, 0);
  sys.AddDir("/etc/netdata", 0755, 0, 0);
  sys.AddDir("/var/cache/netdata", 0770, 201, 0);
  container::FsSpace roomy;
  roomy.bytes_total = 100ull << 30;
  roomy.bytes_free = 50ull << 30;
  roomy.inodes_total = 1000000;
  roomy.inodes_free = 900000;
  sys.filesystems["/"] = roomy;
  return sys;
}

}  // namespace preflight::testing
