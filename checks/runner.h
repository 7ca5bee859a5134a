#pragma once
/// Runs a selection of the catalog against a System and builds the Report.

#include <string>
#include <vector>

#include "checks/catalog.h"
#include "checks/report.h"

namespace preflight::checks {

struct Selection {
  std::vector<std::string> only;  ///< ids or categories ("claim"); empty = all
  std::vector<std::string> skip;  ///< ids or categories
  bool offline = false;           ///< online checks are reported as skipped
  bool offline_only = false;      ///< online checks are left out entirely (run's hand-off)
};

/// Validates the ids and categories of a selection; the error names the bad one and the
/// closest id.
preflight::Status ValidateSelection(const Selection& selection);

/// Whether `def` is selected (independent of --offline).
bool IsSelected(const CheckDef& def, const Selection& selection);

/// 1. selects, 2. runs each check in catalog order under a crash guard, with the overall
/// deadline from inputs for the online checks, 3. skips a check whose `needs` failed,
/// 4. computes the verdict. Never throws: a throwing or crashing check is an `error`.
/// `world`: the facts of this run, shared with the command and with other rounds; `inputs`
/// are this round's (its --deadline may be cut by --wait-for-cloud).
Report RunChecks(World& world, const Inputs& inputs, const Selection& selection,
                 const std::vector<const CheckDef*>& catalog = Catalog());
/// A round with a world of its own.
Report RunChecks(container::System& sys, const Inputs& inputs, const Selection& selection,
                 const std::vector<const CheckDef*>& catalog = Catalog());

}  // namespace preflight::checks
