#pragma once
/// One Setup function per subcommand (each in cmd_<name>.cpp). Setup registers the
/// subcommand and its options; the returned Run is called after a successful parse.

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/claim_settings.h"
#include "checks/inputs.h"

namespace preflight::container {
class System;
}

namespace preflight::cmd {

/// What main read before the command line was parsed (dispatch.cpp): the claim settings at the
/// places the environment names (else the defaults), registered for redaction before anything
/// could echo a token.
struct Preread {
  checks::Inputs defaults;  ///< InputsFromEnvironment
  checks::ClaimSettings claim;
  /// `claim` when `inputs` name the same places (the usual case), else nullopt: read anew.
  std::optional<checks::ClaimSettings> ClaimFor(const checks::Inputs& inputs) const;
};

/// The default inputs with the places PREFLIGHT_VAR_LIB, PREFLIGHT_CONFIG_DIR and
/// PREFLIGHT_CACHE_DIR name, when set and not empty (as the options read them).
checks::Inputs InputsFromEnvironment(const std::map<std::string, std::string, std::less<>>& env);

struct Command {
  /// Validates what CLI11 cannot, then does the work; returns the exit code. Called once the
  /// parser is gone (its memory is the checks' then): `remaining` is what it left unparsed
  /// (the program `run` starts).
  using Run = std::function<int(container::System& sys, const Preread& pre,
                                std::vector<std::string> remaining)>;
  CLI::App* app = nullptr;
  Run run;
};

Command SetupCheck(CLI::App& root);
Command SetupRun(CLI::App& root);
Command SetupProbe(CLI::App& root);
Command SetupServe(CLI::App& root);
Command SetupList(CLI::App& root);
Command SetupExplain(CLI::App& root);
Command SetupVersion(CLI::App& root);

/// `text` with every control character written as \n, \r, \t or \xNN: safe on one line.
std::string EscapeControl(std::string_view text);

/// Prints "netdata-preflight: <message>" to stderr (control characters escaped) and returns
/// kExitUsage.
int UsageError(const std::string& message);

}  // namespace preflight::cmd
