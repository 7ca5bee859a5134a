// `netdata-preflight version`.
#include <cstdio>

#include "cmd/commands.h"
#include "cmd/exit_codes.h"
#include "cmd/version.h"

namespace preflight::cmd {

Command SetupVersion(CLI::App& root) {
  CLI::App* app = root.add_subcommand("version", "Print the version");
  return {app, [](container::System&, const Preread&, std::vector<std::string>) {
            std::printf("netdata-preflight %s\n", kVersion);
            return static_cast<int>(kExitOk);
          }};
}

}  // namespace preflight::cmd
