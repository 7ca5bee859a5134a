// Test launcher: applies a Docker seccomp profile with libseccomp, as a Docker host would, then
// execs the program under test.
//   seccomp_launcher PROFILE.json [--default-action SCMP_ACT_...] -- PROGRAM [ARGS...]
// Entries are chosen for the architecture it is built for (Docker's "amd64", "arm64", "arm"),
// the running kernel and Docker's default capabilities (tests/tools/seccomp_profile.h). Syscall
// names libseccomp does not know yet get the kernel's unified number, as a libseccomp that knows
// them would give.
#include <seccomp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "container/seccomp_probe.h"
#include "tools/seccomp_profile.h"

namespace {

int Usage() {
  fprintf(stderr,
          "usage: seccomp_launcher PROFILE.json [--default-action ACTION] -- PROGRAM [ARGS...]\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace preflight::testing;
  if (argc < 4) return Usage();
  const char* profile_path = argv[1];
  std::string default_override;
  int i = 2;
  if (std::strcmp(argv[i], "--default-action") == 0 && i + 1 < argc) {
    default_override = argv[i + 1];
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
  for (const auto& rule : profile.rules) {
    if (rule.action == profile.default_action) continue;  // libseccomp refuses such rules
    std::vector<scmp_arg_cmp> args;
    for (const auto& a : rule.args) {
      args.push_back(scmp_arg_cmp{a.index, a.op, a.value, a.value_two});
    }
    for (const auto& name : rule.names) {
      long nr = preflight::container::ResolveSyscall(name);
      if (nr < 0) continue;  // not on this architecture: runc skips it too
      int rc = seccomp_rule_add_array(ctx, rule.action, static_cast<int>(nr),
                                      static_cast<unsigned>(args.size()), args.data());
      if (rc != 0 && getenv("SECCOMP_LAUNCHER_VERBOSE")) {
        fprintf(stderr, "seccomp_launcher: rule for %s: %s\n", name.c_str(), strerror(-rc));
      }
    }
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
