#include "container/process/exec.h"

#include <unistd.h>

#include <cerrno>

#include "container/process/inherited_signals.h"

namespace preflight::container::process {

int ExecFailureExitCode(int err) { return (err == ENOENT || err == ENOTDIR) ? 127 : 126; }

Error ExecReplace(const std::vector<std::string>& argv) {
  if (argv.empty()) return Error{EINVAL, "exec: no program given"};
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // The program gets what this process inherited: the ignores (nohup) and the mask. Our
  // handlers stay until the exec resets them: a stop signal until then still ends us.
  RestoreInheritedIgnores();
  ::sigprocmask(SIG_SETMASK, &InheritedMask(), nullptr);
  ::execvp(args[0], args.data());
  return Errno("exec", argv[0]);
}

}  // namespace preflight::container::process
