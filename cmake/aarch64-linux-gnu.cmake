# Cross build for aarch64 (scripts/test-arm64): Debian's aarch64-linux-gnu GCC against a sysroot
# made of Debian arm64 packages unpacked (no emulation needed to build). OFA_ARM64_SYSROOT names it.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
if(NOT OFA_ARM64_SYSROOT)
  set(OFA_ARM64_SYSROOT "$ENV{OFA_ARM64_SYSROOT}")
endif()
if(NOT OFA_ARM64_SYSROOT)
  message(FATAL_ERROR "aarch64 cross build: set OFA_ARM64_SYSROOT to the arm64 sysroot (scripts/test-arm64 makes one)")
endif()
# Passed on to try_compile's projects, which read this file again.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES OFA_ARM64_SYSROOT)
set(CMAKE_SYSROOT "${OFA_ARM64_SYSROOT}")
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH "${OFA_ARM64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Programs the build runs (Catch2's test discovery) and ctest's tests run under user-mode
# emulation, with this sysroot's libraries whatever the environment of a later ctest.
get_filename_component(_ofa_source "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR env "OFA_ARM64_SYSROOT=${OFA_ARM64_SYSROOT}" "${_ofa_source}/scripts/arm64-run")
