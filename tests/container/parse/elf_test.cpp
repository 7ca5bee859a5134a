// The version-name and .dynstr locators: synthetic ELF32 and ELF64 files, every malformed header
// and table they must refuse, and this machine's own libc.so.6 (its ranges hold the GLIBC_2.N
// names).
#include "container/parse/elf.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fakes/fake_elf.h"

namespace preflight::container {
namespace {

using testing::FakeElf;
using testing::FakeSection;
using testing::FakeVerdefs;
using testing::PutLe;

std::optional<ElfRange> Dynstr(const std::string& file) {
  auto table = ElfSectionTable(std::string_view(file).substr(0, kElfHeaderBytes));
  if (!table) return std::nullopt;
  if (table->offset > file.size()) return std::nullopt;
  return ElfDynstr(std::string_view(file).substr(0, kElfHeaderBytes),
                   std::string_view(file).substr(table->offset, table->size));
}

TEST(Elf, FindsDynstrThroughTheDynamicSymbolTableIn64And32Bit) {
  for (int bits : {64, 32}) {
    // [0] null, [1] a strtab that is not it (.shstrtab), [2] .dynsym -> [3] .dynstr
    std::string f = FakeElf(
        bits, {{0, 0, 0, 0}, {3, 0x900, 0x40, 0}, {11, 0x300, 0x60, 3}, {3, 0x500, 0x123, 0}});
    auto table = ElfSectionTable(std::string_view(f).substr(0, kElfHeaderBytes));
    ASSERT_TRUE(table) << bits;
    EXPECT_EQ(table->offset, 0x1000u);
    EXPECT_EQ(table->size, (bits == 64 ? 64u : 40u) * 4);
    auto d = Dynstr(f);
    ASSERT_TRUE(d) << bits;
    EXPECT_EQ(d->offset, 0x500u) << bits;
    EXPECT_EQ(d->size, 0x123u) << bits;
  }
}

TEST(Elf, RefusesWhatIsNotALittleEndianElfOfAKnownClass) {
  std::string good = FakeElf(64, {{0, 0, 0, 0}, {11, 0, 0, 2}, {3, 0x500, 0x10, 0}});
  EXPECT_TRUE(Dynstr(good));
  auto header = [&](std::string f) { return ElfSectionTable(std::string_view(f).substr(0, 64)); };
  std::string bad = good;
  bad[0] = 'x';
  EXPECT_FALSE(header(bad)) << "magic";
  bad = good;
  bad[5] = 2;
  EXPECT_FALSE(header(bad)) << "big-endian";
  bad = good;
  bad[4] = 3;
  EXPECT_FALSE(header(bad)) << "class";
  EXPECT_FALSE(header(good.substr(0, 40))) << "truncated header";
  EXPECT_FALSE(header("")) << "empty";
  bad = good;
  PutLe(bad, 0x3C, 0, 2);
  EXPECT_FALSE(header(bad)) << "no sections";
  bad = good;
  PutLe(bad, 0x3A, 16, 2);
  EXPECT_FALSE(header(bad)) << "section header smaller than the format's";
  bad = good;
  PutLe(bad, 0x28, 0, 8);
  EXPECT_FALSE(header(bad)) << "no section table";
  bad = good;
  PutLe(bad, 0x3C, 0xffff, 2);
  PutLe(bad, 0x3A, 0xffff, 2);
  EXPECT_FALSE(header(bad)) << "a table over the bound";
}

TEST(Elf, RefusesADynsymWhoseLinkIsNoStringTable) {
  // The link points past the table, at itself-like non-strtab, or at the null section.
  EXPECT_FALSE(Dynstr(FakeElf(64, {{0, 0, 0, 0}, {11, 0, 0, 7}})));
  EXPECT_FALSE(Dynstr(FakeElf(64, {{0, 0, 0, 0}, {11, 0, 0, 1}})));
  EXPECT_FALSE(Dynstr(FakeElf(64, {{0, 0, 0, 0}, {11, 0, 0, 0}})));
  EXPECT_FALSE(Dynstr(FakeElf(32, {{0, 0, 0, 0}, {11, 0, 0, 2}, {1, 0x500, 0x10, 0}})));
  // No dynamic symbol table at all (a static executable).
  EXPECT_FALSE(Dynstr(FakeElf(64, {{0, 0, 0, 0}, {3, 0x500, 0x10, 0}})));
  // An empty or oversized string table.
  EXPECT_FALSE(Dynstr(FakeElf(64, {{0, 0, 0, 0}, {11, 0, 0, 2}, {3, 0x500, 0, 0}})));
  EXPECT_FALSE(
      Dynstr(FakeElf(64, {{0, 0, 0, 0}, {11, 0, 0, 2}, {3, 0x500, kElfMaxTableBytes + 1, 0}})));
  // A section table shorter than the header says.
  std::string f = FakeElf(64, {{0, 0, 0, 0}, {11, 0, 0, 2}, {3, 0x500, 0x10, 0}});
  EXPECT_FALSE(
      ElfDynstr(std::string_view(f).substr(0, 64), std::string_view(f).substr(0x1000, 100)));
}

std::string_view At(const std::string& file, ElfRange r) {
  return r.offset > file.size() ? std::string_view()
                                : std::string_view(file).substr(r.offset, r.size);
}

std::optional<ElfVersionDefs> VersionDefs(const std::string& file) {
  auto table = ElfSectionTable(std::string_view(file).substr(0, kElfHeaderBytes));
  if (!table) return std::nullopt;
  return ElfVersionDefinitions(std::string_view(file).substr(0, kElfHeaderBytes), At(file, *table));
}

TEST(Elf, FindsTheVersionDefinitionsAndTheSpanOfTheirNamesIn64And32Bit) {
  // .dynstr: a symbol name, then the library's own name and its versions, as ld lays them out.
  const std::string strings("\0malloc\0libc.so.6\0GLIBC_2.2.5\0GLIBC_2.39\0", 41);
  const std::string defs = FakeVerdefs({8, 18, 30});  // libc.so.6 (base), GLIBC_2.2.5, GLIBC_2.39
  for (int bits : {64, 32}) {
    // [0] null, [1] .dynsym -> [2] .dynstr, [3] .gnu.version_d -> [2], 3 entries
    std::string f = FakeElf(bits,
                            {{0, 0, 0, 0},
                             {11, 0x100, 0x18, 2},
                             {3, 0x800, strings.size(), 0},
                             {0x6ffffffd, 0x300, defs.size(), 2, 3}},
                            0x1000, defs, 0x300);
    f.replace(0x800, strings.size(), strings);
    auto v = VersionDefs(f);
    ASSERT_TRUE(v) << bits;
    EXPECT_EQ(v->defs.offset, 0x300u);
    EXPECT_EQ(v->defs.size, defs.size());
    EXPECT_EQ(v->strings.offset, 0x800u);
    EXPECT_EQ(v->strings.size, strings.size());
    EXPECT_EQ(v->count, 3u);
    auto span = ElfVersionNames(At(f, v->defs), v->count, v->strings.size);
    ASSERT_TRUE(span) << bits;
    // From GLIBC_2.2.5 (the base name left out) to the end of the table (64 bytes of room).
    EXPECT_EQ(strings.substr(span->offset, span->size),
              std::string("GLIBC_2.2.5\0GLIBC_2.39\0", 23));
    auto tight = ElfVersionNames(At(f, v->defs), v->count, v->strings.size, 4);
    ASSERT_TRUE(tight);
    EXPECT_EQ(tight->offset, 18u);
    EXPECT_EQ(tight->size, 16u) << "to the last name's start + 4";
  }
}

TEST(Elf, RefusesMalformedVersionDefinitions) {
  const std::string defs = FakeVerdefs({1, 5});
  auto with = [&](FakeSection verdef, FakeSection strings = {3, 0x800, 0x40, 0}) {
    return VersionDefs(FakeElf(64, {{0, 0, 0, 0}, strings, verdef}, 0x1000, defs, 0x300));
  };
  EXPECT_TRUE(with({0x6ffffffd, 0x300, 56, 1, 2}));
  EXPECT_FALSE(with({0x6ffffffd, 0x300, 56, 1, 0})) << "no entries";
  EXPECT_FALSE(with({0x6ffffffd, 0x300, 56, 1, 3})) << "more entries than 56 bytes hold";
  EXPECT_FALSE(with({0x6ffffffd, 0x300, 0, 1, 2})) << "empty";
  EXPECT_FALSE(with({0x6ffffffd, 0x300, kElfMaxTableBytes + 20, 1, 2})) << "too large";
  EXPECT_FALSE(with({0x6ffffffd, 0x300, 56, 0, 2})) << "no string table";
  EXPECT_FALSE(with({0x6ffffffd, 0x300, 56, 7, 2})) << "a link past the table";
  EXPECT_FALSE(with({0x6ffffffd, 0x300, 56, 1, 2}, {11, 0x800, 0x40, 0})) << "not a string table";
  EXPECT_FALSE(VersionDefs(FakeElf(64, {{0, 0, 0, 0}, {3, 0x800, 0x40, 0}}))) << "none at all";
}

TEST(Elf, TheVersionNameWalkStaysWithinItsEntries) {
  const std::string two = FakeVerdefs({1, 5});
  // Only the base entry: no version named.
  EXPECT_FALSE(ElfVersionNames(FakeVerdefs({1}), 1, 0x40));
  // Without a base entry every name counts.
  auto all = ElfVersionNames(FakeVerdefs({9, 3}, false), 2, 0x40, 1);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->offset, 3u);
  EXPECT_EQ(all->size, 7u);
  // The count bounds the walk: the second entry is not read.
  EXPECT_FALSE(ElfVersionNames(two, 1, 0x40));
  // Entries cut short, a name past the string table, an aux inside the entry: ignored.
  EXPECT_FALSE(ElfVersionNames(std::string_view(two).substr(0, 40), 2, 0x40));
  EXPECT_FALSE(ElfVersionNames(two, 2, 5)) << "name 5 is past a 5-byte table";
  std::string bad_aux = two;
  testing::PutLe(bad_aux, 28 + 12, 8, 4);
  EXPECT_FALSE(ElfVersionNames(bad_aux, 2, 0x40));
  // The room is cut at the table's end.
  auto cut = ElfVersionNames(two, 2, 0x10, 64);
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->offset + cut->size, 0x10u);
  EXPECT_FALSE(ElfVersionNames("", 5, 0x40));
}

TEST(Elf, TheRealLibcOfThisMachine) {
  std::ifstream in("/lib/x86_64-linux-gnu/libc.so.6", std::ios::binary);
  if (!in) GTEST_SKIP() << "no /lib/x86_64-linux-gnu/libc.so.6 here (not an x86_64 Debian)";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string lib = ss.str();
  auto d = Dynstr(lib);
  ASSERT_TRUE(d);
  ASSERT_LE(d->offset + d->size, lib.size());
  const std::string names = lib.substr(d->offset, d->size);
  EXPECT_EQ(names.front(), '\0');  // a string table starts with the empty name
  EXPECT_NE(names.find("GLIBC_2.34"), std::string::npos);
  EXPECT_NE(names.find("malloc"), std::string::npos);
  EXPECT_LT(d->size, 64u * 1024) << "a few pages, not the 2 MiB library";
  // Its version names: all of them, in under a kilobyte.
  auto v = VersionDefs(lib);
  ASSERT_TRUE(v);
  auto span = ElfVersionNames(At(lib, v->defs), v->count, v->strings.size);
  ASSERT_TRUE(span);
  const std::string versions = lib.substr(v->strings.offset + span->offset, span->size);
  EXPECT_LT(versions.size(), 1024u);
  EXPECT_EQ(versions.rfind("GLIBC_2.2.5", 0), 0u) << "starts at the oldest";
  EXPECT_NE(versions.find("GLIBC_2.34"), std::string::npos);
}

}  // namespace
}  // namespace preflight::container
