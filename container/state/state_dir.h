#pragma once
/// `<var-lib>/preflight`: the directory of the tool's own files (runs.json, owner.json).
/// It is made only inside a var-lib that exists. A missing var-lib (a typo in --var-lib, a
/// volume mounted at another path) is never created: a directory made here (root, 0755)
/// could keep the agent, which runs as the netdata user, from writing its own state.

#include <string>

#include "container/base/expected.h"
#include "container/system.h"

namespace preflight::container {

/// "<var_lib>/preflight".
std::string StateDir(const std::string& var_lib);

/// Creates StateDir(var_lib) (0755, never through a symlink) inside the existing directory
/// `var_lib`. ENOENT when var_lib does not exist (nothing is created), ENOTDIR when it is not
/// a directory.
Status MakeStateDir(System& sys, const std::string& var_lib);

}  // namespace preflight::container
