// Test launcher: applies a Docker seccomp profile with libseccomp, as a Docker host would, then
// execs the program under test.
//   seccomp_launcher PROFILE.json [--runc old|modern] [--default-action SCMP_ACT_...] -- PROGRAM
//   [ARGS...]
// --runc says which runtime to be (default old):
//   old     runc < 1.0.0-rc93: a syscall the profile does not name gets the default action.
//   modern  runc >= 1.0.0-rc93 (libcontainer/seccomp/patchbpf): a stub in front of the filter
//           answers ENOSYS for every syscall numbered above the newest one the profile names
//           (unless the default action allows, or its errno already is ENOSYS), so libc falls back.
//           The newest is taken over every name this launcher resolves, i.e. a runc whose
//           libseccomp knows them all; an older libseccomp ignores the names it does not know.
// Entries are chosen for the architecture it is built for (Docker's "amd64", "arm64", "arm"),
// the running kernel and Docker's default capabilities (tests/tools/seccomp_profile.h). Syscall
// names libseccomp does not know yet get the kernel's unified number, as a libseccomp that knows
// them would give.
#include <seccomp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "container/host/seccomp_probe.h"
#include "tools/seccomp_profile.h"
#include "tools/syscall_numbers.h"

namespace {

int Usage() {
  fprintf(stderr,
          "usage: seccomp_launcher PROFILE.json [--runc old|modern] [--default-action ACTION] -- "
          "PROGRAM [ARGS...]\n");
  return 64;
}

/// Highest syscall number x86_64 has today is below this; the modern-runc stub covers up to it.
constexpr long kSyscallCeiling = 1024;

/// What modern runc's -ENOSYS stub does, as libseccomp rules: ENOSYS for (newest, ceiling).
/// No rule of the profile names a number above `newest`, so these rules only add the stub.
int AddEnosysAboveNewest(scmp_filter_ctx ctx, long newest) {
  for (long nr = newest + 1; nr < kSyscallCeiling; ++nr) {
    if (int rc = seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(ENOSYS), static_cast<int>(nr), 0);
        rc != 0 && rc != -EEXIST) {
      return rc;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace preflight::testing;
  if (argc < 4) return Usage();
  const char* profile_path = argv[1];
  std::string default_override;
  bool modern_runc = false;
  int i = 2;
  while (i + 1 < argc && std::strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
    if (std::strcmp(argv[i], "--default-action") == 0) {
      default_override = argv[i + 1];
    } else if (std::strcmp(argv[i], "--runc") == 0 && std::strcmp(argv[i + 1], "old") == 0) {
      modern_runc = false;
    } else if (std::strcmp(argv[i], "--runc") == 0 && std::strcmp(argv[i + 1], "modern") == 0) {
      modern_runc = true;
    } else {
      return Usage();
    }
    i += 2;
  }
  if (i >= argc || std::strcmp(argv[i], "--") != 0 || i + 1 >= argc) return Usage();
  char** program = argv + i + 1;

  std::ifstream f(profile_path);
  if (!f) {
    fprintf(stderr, "seccomp_launcher: cannot read %s\n", profile_path);
    return 66;
  }
  std::stringstream text;
  text << f.rdbuf();
  ProfileTarget target;
  struct utsname u {};
  if (uname(&u) == 0) sscanf(u.release, "%d.%d", &target.kernel_major, &target.kernel_minor);
  Profile profile;
  std::string error;
  if (!ParseProfile(text.str(), target, profile, error)) {
    fprintf(stderr, "seccomp_launcher: %s: %s\n", profile_path, error.c_str());
    return 65;
  }
  if (!default_override.empty() &&
      !ProfileAction(default_override, EPERM, profile.default_action)) {
    fprintf(stderr, "seccomp_launcher: unknown action %s\n", default_override.c_str());
    return 64;
  }

  scmp_filter_ctx ctx = seccomp_init(profile.default_action);
  if (ctx == nullptr) return 71;
  long newest = -1;  // the newest syscall the profile names, whatever its action (runc's rule)
  for (const auto& rule : profile.rules) {
    for (const auto& name : rule.names)
      newest = std::max(newest, preflight::testing::ResolveSyscall(name));
  }
  for (const auto& rule : profile.rules) {
    if (rule.action == profile.default_action) continue;  // libseccomp refuses such rules
    std::vector<scmp_arg_cmp> args;
    for (const auto& a : rule.args) {
      args.push_back(scmp_arg_cmp{a.index, a.op, a.value, a.value_two});
    }
    for (const auto& name : rule.names) {
      long nr = preflight::testing::ResolveSyscall(name);
      if (nr < 0) continue;  // not on this architecture: runc skips it too
      int rc = seccomp_rule_add_array(ctx, rule.action, static_cast<int>(nr),
                                      static_cast<unsigned>(args.size()), args.data());
      if (rc != 0 && getenv("SECCOMP_LAUNCHER_VERBOSE")) {
        fprintf(stderr, "seccomp_launcher: rule for %s: %s\n", name.c_str(), strerror(-rc));
      }
    }
  }
  const bool stub = modern_runc && newest > 0 && profile.default_action != SCMP_ACT_ALLOW &&
                    profile.default_action != SCMP_ACT_ERRNO(ENOSYS);
  if (stub) {
    if (int rc = AddEnosysAboveNewest(ctx, newest); rc != 0) {
      fprintf(stderr, "seccomp_launcher: ENOSYS stub above %ld: %s\n", newest, strerror(-rc));
      return 71;
    }
  }
  if (getenv("SECCOMP_LAUNCHER_VERBOSE")) {
    fprintf(stderr, "seccomp_launcher: newest named syscall %ld; ENOSYS above it: %s\n", newest,
            stub ? "yes" : "no");
  }
  if (int rc = seccomp_load(ctx); rc != 0) {
    fprintf(stderr, "seccomp_launcher: seccomp_load: %s\n", strerror(-rc));
    return 71;
  }
  seccomp_release(ctx);
  execv(program[0], program);
  fprintf(stderr, "seccomp_launcher: exec %s: %s\n", program[0], strerror(errno));
  return 127;
}
