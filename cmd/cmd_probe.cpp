// `netdata-preflight probe`: placeholder until its issue lands.
#include "cmd/commands.h"
#include "cmd/exit_codes.h"
#include "container/log.h"

namespace preflight::cmd {

Command SetupProbe(CLI::App& root) {
  CLI::App* app = root.add_subcommand("probe", "(not implemented yet)");
  app->allow_extras();
  return {app, [](container::System&) {
            log::Error("`probe` is not implemented yet");
            return static_cast<int>(kExitInternal);
          }};
}

}  // namespace preflight::cmd
