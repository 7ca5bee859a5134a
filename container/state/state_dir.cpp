#include "container/state/state_dir.h"

#include <cerrno>

namespace preflight::container {

std::string StateDir(const std::string& var_lib) { return var_lib + "/preflight"; }

Status MakeStateDir(System& sys, const std::string& var_lib) {
  // var-lib itself may be a symlink (an image's layout); only what is made here may not.
  auto dir = sys.Stat(var_lib, /*follow_symlinks=*/true);
  if (!dir.ok()) return dir.error();
  if (dir->type != FileType::kDirectory) return Errno("open directory", var_lib, ENOTDIR);
  return sys.MakeDirs(StateDir(var_lib), 0755);
}

}  // namespace preflight::container
