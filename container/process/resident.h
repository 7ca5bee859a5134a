#pragma once
/// Keeping the resident supervisor small. A static binary faults in far more of its text at
/// start (static initialisers, ifunc resolution, the kernel's fault-around) than the signal
/// loop ever runs; those pages are clean copies of the file and can be given back.

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight::container::process {

/// The [start, end) ranges of `smaps` (the text of /proc/self/smaps) that map `path`, are
/// not writable and hold no private (copied-on-write) page: dropping them loses nothing, the
/// next access reads the same bytes from the page cache. Pure.
std::vector<std::pair<uintptr_t, uintptr_t>> CleanFileRanges(std::string_view smaps,
                                                             std::string_view path);

/// MADV_DONTNEED over CleanFileRanges of this executable (/proc/self/exe); best effort,
/// silent. Returns the number of bytes given back (0 when /proc is missing).
size_t DropCleanExecutablePages();

}  // namespace preflight::container::process
