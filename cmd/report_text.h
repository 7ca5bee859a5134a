#pragma once
/// The human report: the verdict first, then one line per check, the remediation under each
/// warn/fail. Colour only when asked (a TTY without NO_COLOR).

#include <string>

#include "checks/report.h"

namespace preflight::cmd {

/// Pure.
std::string RenderText(const checks::Report& report, bool colour);

/// Colour is for a person at a terminal: only when stdout is a TTY and NO_COLOR is unset or
/// empty (no-color.org: "present and not an empty string" turns it off).
bool ColourWanted(bool stdout_is_tty, const char* no_color);

/// Short form for the termination log and `docker logs`: verdict, then each fail and warn
/// with its fix, cut at `max_bytes` on a line boundary.
std::string RenderSummary(const checks::Report& report, size_t max_bytes);

}  // namespace preflight::cmd
