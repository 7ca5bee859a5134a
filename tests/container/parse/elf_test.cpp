// The .dynstr locator: synthetic ELF32 and ELF64 files, every malformed header it must refuse,
// and this machine's own libc.so.6 (its range holds the GLIBC_2.N names).
#include "container/parse/elf.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fakes/fake_elf.h"

namespace preflight::container {
namespace {

using testing::FakeElf;
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
}

}  // namespace
}  // namespace preflight::container
