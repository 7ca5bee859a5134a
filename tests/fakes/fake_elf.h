#pragma once
/// Synthetic little-endian ELF files for the .dynstr locator (container/parse/elf.h): a header
/// of the class asked for, a section table, and a payload at an offset.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace preflight::testing {

struct FakeSection {
  uint32_t type;  ///< SHT_*: 3 string table, 11 dynamic symbols, 0x6ffffffd version definitions
  uint64_t offset;
  uint64_t size;
  uint32_t link;
  uint32_t info = 0;  ///< sh_info: a version definition section's entry count
};

inline void PutLe(std::string& s, size_t at, uint64_t v, size_t bytes) {
  if (s.size() < at + bytes) s.resize(at + bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

/// An ELF file of `bits` (32 or 64) whose section table (at `shoff`) holds `sections`, with
/// `payload` at `payload_at`.
inline std::string FakeElf(int bits, const std::vector<FakeSection>& sections,
                           uint64_t shoff = 0x1000, const std::string& payload = "",
                           size_t payload_at = 0x200) {
  const bool is64 = bits == 64;
  std::string f(
      "\x7f"
      "ELF",
      4);
  f += static_cast<char>(is64 ? 2 : 1);  // EI_CLASS
  f += '\x01';                           // EI_DATA: little-endian
  f.resize(64, '\0');
  const size_t ent = is64 ? 64 : 40;
  PutLe(f, is64 ? 0x28 : 0x20, shoff, is64 ? 8 : 4);
  PutLe(f, is64 ? 0x3A : 0x2E, ent, 2);
  PutLe(f, is64 ? 0x3C : 0x30, sections.size(), 2);
  if (!payload.empty()) {
    f.resize(std::max(f.size(), payload_at + payload.size()), '\0');
    f.replace(payload_at, payload.size(), payload);
  }
  f.resize(std::max<size_t>(f.size(), shoff + sections.size() * ent), '\0');
  for (size_t i = 0; i < sections.size(); ++i) {
    const size_t at = shoff + i * ent;
    PutLe(f, at + 4, sections[i].type, 4);
    PutLe(f, at + (is64 ? 0x18 : 0x10), sections[i].offset, is64 ? 8 : 4);
    PutLe(f, at + (is64 ? 0x20 : 0x14), sections[i].size, is64 ? 8 : 4);
    PutLe(f, at + (is64 ? 0x28 : 0x18), sections[i].link, 4);
    PutLe(f, at + (is64 ? 0x2C : 0x1C), sections[i].info, 4);
  }
  return f;
}

/// Version definition entries (Elf_Verdef, each with one Elf_Verdaux), chained by vd_next: one
/// per name offset; the first is the base (the file's own name) when `base` is set.
inline std::string FakeVerdefs(const std::vector<uint32_t>& name_offsets, bool base = true) {
  std::string d;
  for (size_t i = 0; i < name_offsets.size(); ++i) {
    const size_t at = i * 28;
    PutLe(d, at, 1, 2);                                          // vd_version
    PutLe(d, at + 2, (base && i == 0) ? 1 : 0, 2);               // vd_flags: VER_FLG_BASE
    PutLe(d, at + 4, i + 1, 2);                                  // vd_ndx
    PutLe(d, at + 6, 1, 2);                                      // vd_cnt
    PutLe(d, at + 12, 20, 4);                                    // vd_aux
    PutLe(d, at + 16, i + 1 < name_offsets.size() ? 28 : 0, 4);  // vd_next
    PutLe(d, at + 20, name_offsets[i], 4);                       // vda_name
  }
  return d;
}

}  // namespace preflight::testing
