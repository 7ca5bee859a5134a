#pragma once
/// Where a shared library keeps the names of the symbol versions it defines (GLIBC_2.34...): its
/// version definitions (.gnu.version_d) point into its dynamic string table (.dynstr), so that
/// a caller reads those few hundred bytes instead of the library (libc.so.6 is 2 MiB, its
/// .dynstr 32 KiB). Found from the ELF header and the section header table. 32- and 64-bit
/// little-endian ELF, the classes of every architecture the netdata image ships. Pure: the
/// caller reads the file.

#include <cstdint>
#include <optional>
#include <string_view>

namespace preflight::container {

/// A byte range of the file.
struct ElfRange {
  uint64_t offset = 0;
  uint64_t size = 0;
};

/// The bytes of the ELF header that ElfSectionTable needs: the file's first 64.
inline constexpr size_t kElfHeaderBytes = 64;
/// Larger section tables and string tables are refused (libc.so.6: 4.5 KiB and 32 KiB).
inline constexpr uint64_t kElfMaxTableBytes = 256 * 1024;

/// The section header table's range, from the file's first bytes; nullopt when they are not a
/// little-endian ELF header of a known class, or the table is absent or too large.
std::optional<ElfRange> ElfSectionTable(std::string_view header);

/// The version definitions (SHT_GNU_verdef) and the string table their names are in.
struct ElfVersionDefs {
  ElfRange defs;       ///< the Elf_Verdef entries
  ElfRange strings;    ///< the string table they link to (.dynstr)
  uint64_t count = 0;  ///< how many entries (sh_info)
};

/// The version definitions of the file, from `header` (its first bytes) and `table` (the bytes
/// at ElfSectionTable(header)); nullopt when there are none, or they are malformed or too large.
std::optional<ElfVersionDefs> ElfVersionDefinitions(std::string_view header,
                                                    std::string_view table);

/// The range of the defined version names within ElfVersionDefs.strings (offsets relative to
/// it), from `defs`, the bytes at ElfVersionDefs.defs: from the first name's start to the last
/// one's, plus `name_room` bytes for that name, cut at `strings_size`. The file's own name (the
/// base definition, "libc.so.6") is left out. nullopt when no entry names a version.
std::optional<ElfRange> ElfVersionNames(std::string_view defs, uint64_t count,
                                        uint64_t strings_size, uint64_t name_room = 64);

/// .dynstr's range: the string table that the dynamic symbol table (SHT_DYNSYM) links to.
/// `header`: the file's first bytes; `table`: the bytes at ElfSectionTable(header). nullopt
/// when there is none, or it is malformed or too large.
std::optional<ElfRange> ElfDynstr(std::string_view header, std::string_view table);

}  // namespace preflight::container
