#pragma once
/// The JSON report, schema 1 (contract, DESIGN.md §1).

#include <string>

#include "checks/report.h"

namespace preflight::cmd {

/// One JSON document, with a trailing newline. Pure.
std::string RenderJson(const checks::Report& report);

}  // namespace preflight::cmd
