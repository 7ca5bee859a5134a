#pragma once
/// Parsed command-line options as plain structs. No CLI11 type leaves cmd/.

#include <string>
#include <vector>

#include "checks/inputs.h"
#include "checks/runner.h"

namespace preflight::cmd {

/// The options every check-running command shares (selection, inputs, output).
struct CommonOptions {
  checks::Selection selection;
  checks::Inputs inputs;
  std::string deadline = "10s";  ///< parsed into inputs.deadline by FinishCommon
  std::string termination_log = "/dev/termination-log";
  std::string log_level;
};

/// How a report is written.
struct OutputOptions {
  std::string format = "text";   ///< text | json
  std::string output;            ///< file; empty = stdout
  std::string fail_on = "fail";  ///< fail | warn | never
};

}  // namespace preflight::cmd
