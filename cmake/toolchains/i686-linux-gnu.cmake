# Debian i386: see debian-cross.cmake.
set(PREFLIGHT_CROSS_TRIPLET i686-linux-gnu)
set(CMAKE_SYSTEM_PROCESSOR i686)
set(PREFLIGHT_QEMU i386)
set(PREFLIGHT_MULTIARCH i386-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
