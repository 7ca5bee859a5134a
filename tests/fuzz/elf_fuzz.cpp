// libFuzzer: the ELF locators (container/parse/elf.h): the first 64 bytes as the header, the rest
// as the section table, and as version definitions.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "container/parse/elf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view header = in.substr(0, preflight::container::kElfHeaderBytes);
  std::string_view table = size > preflight::container::kElfHeaderBytes
                               ? in.substr(preflight::container::kElfHeaderBytes)
                               : std::string_view();
  (void)preflight::container::ElfSectionTable(header);
  (void)preflight::container::ElfDynstr(header, table);
  (void)preflight::container::ElfVersionDefinitions(header, table);
  (void)preflight::container::ElfVersionNames(table, size % 64, size);
  return 0;
}
