// `netdata-preflight list`: every check id, in run order, with its title and state.
#include <cstdio>

#include "checks/catalog.h"
#include "cmd/commands.h"
#include "cmd/exit_codes.h"

namespace preflight::cmd {

Command SetupList(CLI::App& root) {
  CLI::App* app = root.add_subcommand("list", "List the checks, in run order");
  return {app, [](container::System&) {
            for (const checks::CheckDef* def : checks::Catalog()) {
              std::printf("%-20s %-8s %s%s\n", std::string(def->id).c_str(),
                          def->kind == checks::Kind::kOnline ? "online" : "offline",
                          std::string(def->title).c_str(),
                          def->implemented ? "" : " (not implemented yet)");
            }
            return static_cast<int>(kExitOk);
          }};
}

}  // namespace preflight::cmd
