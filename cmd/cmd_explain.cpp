// `netdata-preflight explain ID`: what a check establishes and which guide section it serves.
#include <cstdio>
#include <memory>

#include "checks/catalog.h"
#include "cmd/commands.h"
#include "cmd/exit_codes.h"

namespace preflight::cmd {

Command SetupExplain(CLI::App& root) {
  auto id = std::make_shared<std::string>();
  CLI::App* app = root.add_subcommand("explain", "Explain one check");
  app->add_option("CHECK_ID", *id, "A check id from `list`")->required();
  return {app, [id](container::System&, const Preread&, std::vector<std::string>) {
            const checks::CheckDef* def = checks::FindCheck(*id);
            if (def == nullptr) {
              std::string message = "unknown check id `" + *id + "`";
              std::string suggestion = checks::SuggestCheck(*id);
              if (!suggestion.empty()) message += " (did you mean `" + suggestion + "`?)";
              return UsageError(message + "; `netdata-preflight list` shows every id");
            }
            std::string deps;
            for (auto need : def->needs) deps += (deps.empty() ? "" : ", ") + std::string(need);
            std::printf(
                "%s — %s\n\n%s\n\nkind: %s%s\nguide section: "
                "troubleshoot-agent-cloud-connectivity#%s\n%s%s",
                std::string(def->id).c_str(), std::string(def->title).c_str(),
                std::string(def->why).c_str(),
                def->kind == checks::Kind::kOnline ? "online (skipped by --offline)" : "offline",
                def->implemented ? "" : " (not implemented yet)", std::string(def->section).c_str(),
                deps.empty() ? "" : "needs: ", deps.empty() ? "" : (deps + "\n").c_str());
            return static_cast<int>(kExitOk);
          }};
}

}  // namespace preflight::cmd
