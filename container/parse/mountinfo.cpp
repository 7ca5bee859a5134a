#include "container/parse/mountinfo.h"

#include <cstdlib>

namespace preflight::container {
namespace {

// Fills `fields` (cleared first; reused across lines, so a table of a thousand mounts does not
// allocate a vector per line).
void SplitSpaces(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
}

bool ParseId(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  out = n;
  return true;
}

bool ParseLine(std::string_view line, MountEntry& e, std::vector<std::string_view>& f) {
  SplitSpaces(line, f);
  // Six fixed fields, optional fields, "-", then type, source, super options.
  if (f.size() < 9) return false;
  if (!ParseId(f[0], e.mount_id) || !ParseId(f[1], e.parent_id)) return false;
  if (f[2].find(':') == std::string_view::npos) return false;
  e.device = std::string(f[2]);
  e.root = UnescapeMountField(f[3]);
  e.mount_point = UnescapeMountField(f[4]);
  e.mount_options = std::string(f[5]);
  size_t i = 6;
  while (i < f.size() && f[i] != "-") e.optional_fields.emplace_back(f[i++]);
  if (i + 2 >= f.size()) return false;  // no "-", or no type and source after it
  e.fs_type = std::string(f[i + 1]);
  e.source = UnescapeMountField(f[i + 2]);
  e.super_options = i + 3 < f.size() ? std::string(f[i + 3]) : "";
  return !e.mount_point.empty() && e.mount_point[0] == '/';
}

}  // namespace

bool MountEntry::ReadOnly() const {
  return HasMountOption(mount_options, "ro") || HasMountOption(super_options, "ro");
}

std::string UnescapeMountField(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  auto oct = [](char c) { return c >= '0' && c <= '7'; };
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && oct(field[i + 1]) && oct(field[i + 2]) &&
        oct(field[i + 3])) {
      int v = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0');
      if (v <= 0377) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

MountTable ParseMountInfo(std::string_view text) {
  MountTable table;
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  table.mounts.reserve(lines + 1);
  std::vector<std::string_view> fields;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    MountEntry e;
    if (ParseLine(line, e, fields)) {
      table.mounts.push_back(std::move(e));
    } else {
      ++table.malformed;
    }
  }
  return table;
}

const MountEntry* FindMountFor(const MountTable& table, std::string_view path) {
  const MountEntry* best = nullptr;
  size_t best_len = 0;
  for (const auto& m : table.mounts) {
    std::string_view point = m.mount_point;
    while (point.size() > 1 && point.back() == '/') point.remove_suffix(1);
    bool holds = false;
    if (point == "/") {
      holds = !path.empty() && path[0] == '/';
    } else if (path.compare(0, point.size(), point) == 0) {
      holds = path.size() == point.size() || path[point.size()] == '/';
    }
    // ">=": a later mount on the same point is stacked on top of the earlier one.
    if (holds && point.size() >= best_len) {
      best = &m;
      best_len = point.size();
    }
  }
  return best;
}

bool HasMountOption(std::string_view options, std::string_view option) {
  while (!options.empty()) {
    auto comma = options.find(',');
    std::string_view item = options.substr(0, comma);
    options.remove_prefix(comma == std::string_view::npos ? options.size() : comma + 1);
    if (item == option) return true;
    if (item.size() > option.size() && item.compare(0, option.size(), option) == 0 &&
        item[option.size()] == '=') {
      return true;
    }
  }
  return false;
}

std::string MountOptionValue(std::string_view options, std::string_view key) {
  while (!options.empty()) {
    auto comma = options.find(',');
    std::string_view item = options.substr(0, comma);
    options.remove_prefix(comma == std::string_view::npos ? options.size() : comma + 1);
    if (item.size() > key.size() && item.compare(0, key.size(), key) == 0 &&
        item[key.size()] == '=') {
      return std::string(item.substr(key.size() + 1));
    }
  }
  return "";
}

}  // namespace preflight::container
