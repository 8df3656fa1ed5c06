# A stand-in for LibTorch's package, for scripts/test-floor only: Debian 11 has CMake 3.18 (the
# floor) but no usable LibTorch, so the LibTorch-linked part is configured against this to prove
# that CMake 3.18 reads every CMakeLists.txt and .cmake file of the project. Nothing is built with it.
if(NOT TARGET torch)
  add_library(torch INTERFACE IMPORTED)
endif()
set(TORCH_LIBRARIES torch)
set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=1")
set(Torch_FOUND TRUE)
