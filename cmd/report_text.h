#pragma once
/// The human report: the verdict first, then one line per check, the remediation under each
/// warn/fail and every further finding of a check under it. Colour only when asked (a TTY
/// without NO_COLOR, TERM not dumb); wrapped at the terminal's width on a TTY.

#include <string>

#include "checks/report.h"

namespace preflight::cmd {

/// How text is laid out for its reader.
struct TextStyle {
  bool colour = false;
  size_t width = 0;  ///< wrap lines at this many columns; 0 = never wrap (a file, a pipe)
};

/// Pure.
std::string RenderText(const checks::Report& report, const TextStyle& style);
inline std::string RenderText(const checks::Report& report, bool colour) {
  return RenderText(report, TextStyle{colour, 0});
}

/// Colour is for a person at a terminal: only when stdout is a TTY, NO_COLOR is unset or
/// empty (no-color.org: "present and not an empty string" turns it off), and TERM is not
/// `dumb` (a terminal that cannot show escapes).
bool ColourWanted(bool stdout_is_tty, const char* no_color, const char* term = nullptr);

/// The style for writing to `fd`: colour per ColourWanted (NO_COLOR, TERM from the
/// environment), width from the terminal (TIOCGWINSZ, else COLUMNS) when `fd` is a TTY.
TextStyle TerminalStyle(int fd);

/// Breaks `text` into lines of at most `width` columns at spaces; continuation lines start with
/// `indent` spaces. A word longer than a line stays whole. `width` 0 = one line. Pure.
std::string WrapLine(const std::string& text, size_t width, size_t indent);

/// The troubleshooting guide's URL for a section anchor.
std::string GuideUrl(const std::string& section);

/// Short form for the termination log and `docker logs`: verdict, then each fail and warn
/// with its fix, cut at `max_bytes` on a line boundary.
std::string RenderSummary(const checks::Report& report, size_t max_bytes);

}  // namespace preflight::cmd
