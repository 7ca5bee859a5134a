#include "container/parse/elf.h"

#include <algorithm>

namespace preflight::container {
namespace {

constexpr unsigned char kClass32 = 1, kClass64 = 2, kLittleEndian = 1;
constexpr uint32_t kDynsym = 11, kStrtab = 3, kVerdef = 0x6ffffffd;
constexpr uint64_t kVerdefBytes = 20;  // an Elf_Verdef, the same in ELF32 and ELF64
constexpr uint16_t kVerFlagBase = 1;   // the file's own name

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

namespace {

/// The section header table of `header`, read from `table`: each field of entry `i`.
class Sections {
 public:
  static std::optional<Sections> Of(std::string_view header, std::string_view table) {
    auto layout = SectionLayout(header);
    if (!layout || layout->count > kElfMaxTableBytes / layout->entsize ||
        table.size() < layout->entsize * layout->count) {
      return std::nullopt;
    }
    return Sections(*layout, Class(header) == 64, table);
  }
  uint64_t count() const { return layout_.count; }
  std::optional<uint64_t> Type(uint64_t i) const { return Field(i, 4, 4, 4); }
  std::optional<uint64_t> Offset(uint64_t i) const { return Field(i, 0x18, 0x10, 8); }
  std::optional<uint64_t> Size(uint64_t i) const { return Field(i, 0x20, 0x14, 8); }
  std::optional<uint64_t> Link(uint64_t i) const { return Field(i, 0x28, 0x18, 4); }
  std::optional<uint64_t> Info(uint64_t i) const { return Field(i, 0x2C, 0x1C, 4); }

  /// The string table entry `i` links to; nullopt when it links to none or to a malformed one.
  std::optional<ElfRange> LinkedStrings(uint64_t i) const {
    auto link = Link(i);
    if (!link || *link == 0 || *link >= count() || Type(*link) != kStrtab) return std::nullopt;
    auto offset = Offset(*link);
    auto size = Size(*link);
    if (!offset || !size || *size == 0 || *size > kElfMaxTableBytes) return std::nullopt;
    return ElfRange{*offset, *size};
  }

 private:
  Sections(Layout layout, bool is64, std::string_view table)
      : layout_(layout), is64_(is64), table_(table) {}
  std::optional<uint64_t> Field(uint64_t i, size_t at64, size_t at32, size_t bytes64) const {
    return Le(table_, static_cast<size_t>(i * layout_.entsize) + (is64_ ? at64 : at32),
              is64_ ? bytes64 : 4);
  }
  Layout layout_;
  bool is64_;
  std::string_view table_;
};

}  // namespace

std::optional<ElfVersionDefs> ElfVersionDefinitions(std::string_view header,
                                                    std::string_view table) {
  auto sections = Sections::Of(header, table);
  if (!sections) return std::nullopt;
  for (uint64_t i = 0; i < sections->count(); ++i) {
    if (sections->Type(i) != kVerdef) continue;
    auto strings = sections->LinkedStrings(i);
    auto offset = sections->Offset(i);
    auto size = sections->Size(i);
    auto count = sections->Info(i);
    if (!strings || !offset || !size || !count || *size == 0 || *size > kElfMaxTableBytes ||
        *count == 0 || *count > *size / kVerdefBytes) {
      return std::nullopt;
    }
    return ElfVersionDefs{ElfRange{*offset, *size}, *strings, *count};
  }
  return std::nullopt;
}

std::optional<ElfRange> ElfVersionNames(std::string_view defs, uint64_t count,
                                        uint64_t strings_size, uint64_t name_room) {
  uint64_t first = UINT64_MAX, last = 0;
  uint64_t at = 0;
  // Each entry: vd_flags at 2, vd_aux at 12 (its first Elf_Verdaux: vda_name at 0), vd_next at
  // 16, all relative to the entry. The walk is bounded by `count` and by the bytes given.
  for (uint64_t i = 0; i < count && at < defs.size(); ++i) {
    auto flags = Le(defs, static_cast<size_t>(at) + 2, 2);
    auto aux = Le(defs, static_cast<size_t>(at) + 12, 4);
    auto next = Le(defs, static_cast<size_t>(at) + 16, 4);
    if (!flags || !aux || !next) break;
    if (!(*flags & kVerFlagBase) && *aux >= kVerdefBytes) {
      auto name = Le(defs, static_cast<size_t>(at + *aux), 4);
      if (name && *name < strings_size) {
        first = std::min(first, *name);
        last = std::max(last, *name);
      }
    }
    if (*next == 0) break;
    at += *next;
  }
  if (first == UINT64_MAX) return std::nullopt;
  const uint64_t end = std::min(strings_size, last + std::max<uint64_t>(name_room, 1));
  return ElfRange{first, end - first};
}

std::optional<ElfRange> ElfDynstr(std::string_view header, std::string_view table) {
  auto sections = Sections::Of(header, table);
  if (!sections) return std::nullopt;
  for (uint64_t i = 0; i < sections->count(); ++i) {
    if (sections->Type(i) == kDynsym) return sections->LinkedStrings(i);
  }
  return std::nullopt;
}

}  // namespace preflight::container
