#pragma once
/// The mount table of this process (/proc/self/mountinfo) and which mount holds a path.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::container {

/// One line of mountinfo (proc(5)): "36 35 98:0 /root /point rw,noatime master:1 - ext4 /dev/sda
/// rw,errors=continue". Path fields are unescaped (\040 is a space).
struct MountEntry {
  int mount_id = 0;
  int parent_id = 0;
  std::string device;                        ///< "major:minor"
  std::string root;                          ///< path inside the source filesystem
  std::string mount_point;                   ///< where it is mounted
  std::string mount_options;                 ///< per-mount options ("rw,relatime")
  std::vector<std::string> optional_fields;  ///< "shared:1", "master:2", ...
  std::string fs_type;                       ///< "ext4", "overlay", "tmpfs", ...
  std::string source;                        ///< "/dev/sda1", "overlay", "tmpfs", ...
  std::string super_options;                 ///< filesystem options ("rw,lowerdir=...")

  /// "ro" in the per-mount or the superblock options.
  bool ReadOnly() const;
};

struct MountTable {
  std::vector<MountEntry> mounts;  ///< in file order (a later mount over a point hides earlier)
  size_t malformed = 0;            ///< lines that did not parse (skipped)
};

/// Parses the text of /proc/self/mountinfo. Pure and total: a malformed line is counted and
/// skipped, never fatal.
MountTable ParseMountInfo(std::string_view text);

/// Decodes the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash);
/// anything else is kept as is.
std::string UnescapeMountField(std::string_view field);

/// The mount that holds the absolute, symlink-free `path`: the longest mount point that is
/// `path` or a parent directory of it (component-wise: /var/lib does not hold /var/library);
/// among mounts on the same point the last one (the top of the stack). nullptr when none.
const MountEntry* FindMountFor(const MountTable& table, std::string_view path);

/// True when the comma-separated `options` contain exactly `option` (or `option=...`).
bool HasMountOption(std::string_view options, std::string_view option);

/// The value of `key=value` in comma-separated options, or empty.
std::string MountOptionValue(std::string_view options, std::string_view key);

}  // namespace preflight::container
