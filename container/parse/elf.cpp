#include "container/parse/elf.h"

namespace preflight::container {
namespace {

constexpr unsigned char kClass32 = 1, kClass64 = 2, kLittleEndian = 1;
constexpr uint32_t kDynsym = 11, kStrtab = 3;

/// A little-endian unsigned of `bytes` bytes at `at`; nullopt past the end.
std::optional<uint64_t> Le(std::string_view s, size_t at, size_t bytes) {
  if (at > s.size() || s.size() - at < bytes) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = bytes; i > 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i - 1]);
  return v;
}

/// The class (32 or 64) of an ELF header, or 0.
int Class(std::string_view header) {
  if (header.size() < 6 ||
      header.substr(0, 4) !=
          "\x7f"
          "ELF" ||
      static_cast<unsigned char>(header[5]) != kLittleEndian) {
    return 0;
  }
  const auto c = static_cast<unsigned char>(header[4]);
  return c == kClass64 ? 64 : c == kClass32 ? 32 : 0;
}

struct Layout {
  uint64_t shoff = 0;    ///< e_shoff
  uint64_t entsize = 0;  ///< e_shentsize
  uint64_t count = 0;    ///< e_shnum
};

std::optional<Layout> SectionLayout(std::string_view header) {
  const int cls = Class(header);
  if (cls == 0) return std::nullopt;
  // e_shoff, e_shentsize, e_shnum: at 0x28/0x3A/0x3C (64-bit) or 0x20/0x2E/0x30 (32-bit).
  const bool is64 = cls == 64;
  auto shoff = Le(header, is64 ? 0x28 : 0x20, is64 ? 8 : 4);
  auto entsize = Le(header, is64 ? 0x3A : 0x2E, 2);
  auto count = Le(header, is64 ? 0x3C : 0x30, 2);
  if (!shoff || !entsize || !count) return std::nullopt;
  // A section header is 64 (ELF64) or 40 (ELF32) bytes; e_shnum 0 means "none or too many".
  if (*shoff == 0 || *count == 0 || *entsize < (is64 ? 64u : 40u)) return std::nullopt;
  return Layout{*shoff, *entsize, *count};
}

}  // namespace

std::optional<ElfRange> ElfSectionTable(std::string_view header) {
  auto layout = SectionLayout(header);
  if (!layout || layout->count > kElfMaxTableBytes / layout->entsize) return std::nullopt;
  return ElfRange{layout->shoff, layout->entsize * layout->count};
}

std::optional<ElfRange> ElfDynstr(std::string_view header, std::string_view table) {
  auto layout = SectionLayout(header);
  if (!layout || layout->count > kElfMaxTableBytes / layout->entsize ||
      table.size() < layout->entsize * layout->count) {
    return std::nullopt;
  }
  const bool is64 = Class(header) == 64;
  // sh_type at 4; sh_offset at 0x18 (64) / 0x10 (32); sh_size at 0x20 / 0x14; sh_link at
  // 0x28 / 0x18.
  auto field = [&](uint64_t index, size_t at64, size_t at32, size_t bytes64) {
    return Le(table, static_cast<size_t>(index * layout->entsize) + (is64 ? at64 : at32),
              is64 ? bytes64 : 4);
  };
  for (uint64_t i = 0; i < layout->count; ++i) {
    if (field(i, 4, 4, 4) != kDynsym) continue;
    auto link = field(i, 0x28, 0x18, 4);
    if (!link || *link == 0 || *link >= layout->count || field(*link, 4, 4, 4) != kStrtab) {
      return std::nullopt;
    }
    auto offset = field(*link, 0x18, 0x10, 8);
    auto size = field(*link, 0x20, 0x14, 8);
    if (!offset || !size || *size == 0 || *size > kElfMaxTableBytes) return std::nullopt;
    return ElfRange{*offset, *size};
  }
  return std::nullopt;
}

}  // namespace preflight::container
