// The build a figure came from, printed by every benchmark beside its figures.
#pragma once
#include <string>

namespace ofa::common {

// "ofa-toolchain 0.1.0, commit 1b10d6c4a2f0 (at configure time), Release, GCC 12.2.0,
// flags -O3 -DNDEBUG -Wall -Wextra -march=native".
std::string build_description();
// What a benchmark prints before its figures: "<program>: build: ...\n<program>: machine: ...\n",
// with `libraries` (LibTorch, ONNX Runtime) on the build line where it has any.
std::string benchmark_header(const std::string& program, const std::string& libraries = {});

}  // namespace ofa::common
