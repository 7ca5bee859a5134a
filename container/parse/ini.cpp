#include "container/parse/ini.h"

#include <cctype>

namespace preflight::container {

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

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
      section = Lower(TrimSpace(line.substr(1, close - 1)));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos || TrimSpace(line.substr(0, eq)).empty()) {
      ini.bad_lines.push_back(line_no);
      continue;
    }
    ini.entries.push_back(IniEntry{section, Lower(TrimSpace(line.substr(0, eq))),
                                   std::string(TrimSpace(line.substr(eq + 1))), line_no});
  }
  return ini;
}

}  // namespace preflight::container
