# Debian amd64: see debian-cross.cmake.
set(PREFLIGHT_CROSS_TRIPLET x86_64-linux-gnu)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(PREFLIGHT_QEMU x86_64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
