# Cross-compiling with Debian's cross toolchains (crossbuild-essential-<debarch>) against the
# sysroot scripts/cross.sh unpacks: the target's -dev packages (static archives, headers, the
# header-only libraries and GTest). Included by the per-triplet files beside this one, which set
# PREFLIGHT_CROSS_TRIPLET, CMAKE_SYSTEM_PROCESSOR and PREFLIGHT_QEMU.
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/<triplet>.cmake -DPREFLIGHT_SYSROOT=<dir>
#         -DPREFLIGHT_DEPS=<the cross OpenSSL/libcurl prefixes' parent>
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${PREFLIGHT_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${PREFLIGHT_CROSS_TRIPLET}-g++)
# Debian's library directory: the triplet, except i386's (i386-linux-gnu for i686-linux-gnu).
if(NOT PREFLIGHT_MULTIARCH)
  set(PREFLIGHT_MULTIARCH ${PREFLIGHT_CROSS_TRIPLET})
endif()
set(CMAKE_LIBRARY_ARCHITECTURE ${PREFLIGHT_MULTIARCH})
# try_compile projects see the toolchain file again, but not the cache.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PREFLIGHT_SYSROOT PREFLIGHT_DEPS)
if(NOT PREFLIGHT_SYSROOT)
  message(FATAL_ERROR "set PREFLIGHT_SYSROOT (scripts/cross.sh does)")
endif()

# Libraries, headers and CMake packages only from the target's trees (the sysroot, the cross
# libc in /usr/<triplet>, the cross-built OpenSSL/libcurl), programs from the host.
set(CMAKE_FIND_ROOT_PATH ${PREFLIGHT_DEPS} ${PREFLIGHT_SYSROOT} /usr/${PREFLIGHT_CROSS_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# seccomp.h, ares.h, event2/, zlib.h: the cross compiler does not search the host's /usr/include,
# and must not (libevent's event-config.h differs per architecture).
set(CMAKE_C_FLAGS_INIT
    "-isystem ${PREFLIGHT_SYSROOT}/usr/include/${PREFLIGHT_MULTIARCH} -isystem ${PREFLIGHT_SYSROOT}/usr/include")
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")

# Test programs (GoogleTest discovery, ctest) run under qemu-user when it is installed.
find_program(PREFLIGHT_QEMU_USER qemu-${PREFLIGHT_QEMU}-static qemu-${PREFLIGHT_QEMU})
if(PREFLIGHT_QEMU_USER)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${PREFLIGHT_QEMU_USER})
endif()
