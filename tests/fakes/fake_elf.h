#pragma once
/// Synthetic little-endian ELF files for the .dynstr locator (container/parse/elf.h): a header
/// of the class asked for, a section table, and a payload at an offset.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace preflight::testing {

struct FakeSection {
  uint32_t type;  ///< SHT_*: 3 string table, 11 dynamic symbols
  uint64_t offset;
  uint64_t size;
  uint32_t link;
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
  }
  return f;
}

}  // namespace preflight::testing
