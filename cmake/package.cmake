# The installed package (docs/deploy.md): `cmake --install build --prefix P` puts
#   P/lib/libofa-runtime.so          the runtime, the C++ API and the C API
#   P/include/ofa/...                 their headers (<ofa/runtime.hpp>, <ofa/runtime.h>, and what they include)
#   P/lib/cmake/ofa_runtime/          the CMake package: find_package(ofa_runtime CONFIG) -> ofa::runtime
#   P/bin/ofa-search, ofa-measure, ofa-runtime, and P/libexec/ofa-toolchain/ofa-engine-check
# An application needs only CMAKE_PREFIX_PATH=P (and LibTorch's, where it is not on the system's path).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS ofa_runtime_shared EXPORT ofa_runtime_targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The headers the API's headers reach: the runtime's and common's (no search, no command line).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/ofa ${PROJECT_SOURCE_DIR}/common/include/ofa
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
install(FILES ${CMAKE_BINARY_DIR}/generated/include/ofa/runtime/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ofa/runtime)
install(TARGETS ofa-search ofa-measure ofa-runtime RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(OFA_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ofa_runtime)
install(EXPORT ofa_runtime_targets NAMESPACE ofa:: FILE ofa_runtimeTargets.cmake DESTINATION ${OFA_PACKAGE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ofa_runtimeConfig.cmake.in ${CMAKE_BINARY_DIR}/package/ofa_runtimeConfig.cmake
                              INSTALL_DESTINATION ${OFA_PACKAGE_DIR})
# 0.x: a minor version may change the API and the bundle format, so only the same minor matches.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/ofa_runtimeConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/package/ofa_runtimeConfig.cmake ${CMAKE_BINARY_DIR}/package/ofa_runtimeConfigVersion.cmake
        DESTINATION ${OFA_PACKAGE_DIR})
