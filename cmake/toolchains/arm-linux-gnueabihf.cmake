# Debian armv7 (armhf): see debian-cross.cmake.
set(PREFLIGHT_CROSS_TRIPLET arm-linux-gnueabihf)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(PREFLIGHT_QEMU arm)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
