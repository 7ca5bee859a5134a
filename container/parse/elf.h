#pragma once
/// Where a shared library keeps its dynamic string table (.dynstr: the symbol and symbol-version
/// names), from its ELF header and section header table, so that a caller reads those few
/// kilobytes instead of scanning the library (libc.so.6 is 2 MiB; its GLIBC_2.N version names
/// are the last strings of .dynstr). 32- and 64-bit little-endian ELF, the classes of every
/// architecture the netdata image ships. Pure: the caller reads the file.

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

/// .dynstr's range: the string table that the dynamic symbol table (SHT_DYNSYM) links to.
/// `header`: the file's first bytes; `table`: the bytes at ElfSectionTable(header). nullopt
/// when there is none, or it is malformed or too large.
std::optional<ElfRange> ElfDynstr(std::string_view header, std::string_view table);

}  // namespace preflight::container
