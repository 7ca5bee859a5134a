#include "container/parse/ini.h"

#include <cctype>

#include "container/base/text.h"

namespace preflight::container {

namespace {}  // namespace

const IniEntry* IniFile::Find(std::string_view section, std::string_view key) const {
  const IniEntry* found = nullptr;
  for (const auto& e : entries) {
    if (e.section == section && e.key == key) found = &e;
  }
  return found;
}

IniFile ParseIni(std::string_view text) {
  IniFile ini;
  std::string section;
  int line_no = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    line = TrimSpace(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      auto close = line.find(']');
      if (close == std::string_view::npos) {
        ini.bad_lines.push_back(line_no);
        continue;
      }
      section = ToLower(TrimSpace(line.substr(1, close - 1)));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos || TrimSpace(line.substr(0, eq)).empty()) {
      ini.bad_lines.push_back(line_no);
      continue;
    }
    ini.entries.push_back(IniEntry{section, ToLower(TrimSpace(line.substr(0, eq))),
                                   std::string(TrimSpace(line.substr(eq + 1))), line_no});
  }
  return ini;
}

}  // namespace preflight::container
