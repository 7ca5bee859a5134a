#pragma once
/// The INI dialect of the agent's claim.conf, cloud.conf and netdata.conf: `[section]`,
/// `key = value`, `#` or `;` comments, keys may contain spaces ("cloud base url").

#include <string>
#include <string_view>
#include <vector>

#include "container/base/text.h"  // TrimSpace, for the INI values

namespace preflight::container {

struct IniEntry {
  std::string section;  ///< lower-cased, trimmed
  std::string key;      ///< lower-cased, trimmed
  std::string value;    ///< trimmed; surrounding quotes are kept (the agent keeps them)
  int line = 0;
};

struct IniFile {
  std::vector<IniEntry> entries;
  std::vector<int> bad_lines;  ///< lines that are neither section, entry, comment nor blank

  /// The last value of section/key (the agent lets later lines win), or nullptr.
  const IniEntry* Find(std::string_view section, std::string_view key) const;
};

/// Pure; never fails: garbage lines are listed in bad_lines.
IniFile ParseIni(std::string_view text);

}  // namespace preflight::container
