// Catch2 2 or 3, whichever is installed, with the matchers the tests use.
#pragma once
// One include for Catch2 2 (Debian 12, one header) and Catch2 3 (Debian 13, split headers).
// Include it after LibTorch's headers: their glog defines CHECK too, and the later one wins.
#include <string>

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
using Catch::Approx;
namespace ofa::test {
inline auto contains(const std::string& text) { return Catch::Matchers::ContainsSubstring(text); }
inline auto starts_with(const std::string& text) { return Catch::Matchers::StartsWith(text); }
}  // namespace ofa::test
#else
#include <catch2/catch.hpp>
namespace ofa::test {
inline auto contains(const std::string& text) { return Catch::Contains(text); }
inline auto starts_with(const std::string& text) { return Catch::StartsWith(text); }
}  // namespace ofa::test
#endif
