// How numbers are written into the project's files (round-trip precision, fixed decimals).
#pragma once
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ofa::common {

// Shortest text for the precision a field carries: %.9g round-trips a float32 (accuracy),
// %.10g keeps a LUT sum to well under 1e-5 relative, MACs and params are exact to 6 decimals.
inline std::string format_g(double v, int significant) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  return buf;
}
// Fixed decimals for figures people read in tables; a figure beyond 1e15 (a calibration's huge
// offset) in %g, not as hundreds of digits.
inline std::string format_fixed(double v, int decimals) {
  char buf[64];
  if (v < 1e15 && v > -1e15) std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  else std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
// The shortest text that reads back as v, in %g's style (0.0001, 1e-05, 100000, 1e+06): what
// std::to_chars(general) writes. GCC 10's library (JetPack 5) has no floating-point to_chars:
// there, the shortest of the correctly rounded texts of 1 to 17 digits, which is to_chars's
// text but for a few powers of two (2^-24: 17 digits where to_chars finds 16 on the far side).
inline std::string format_shortest(double v) {
  char buf[64];
#if defined(__cpp_lib_to_chars)
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  return std::string(buf, r.ptr);
#else
  int digits = 1;
  for (; digits < 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
  const char* e = std::strchr(buf, 'e');
  const int exponent = e ? std::atoi(e + 1) : 0;
  // %g's choice with its default precision of 6: fixed from 1e-4 up to 1e6.
  if (exponent >= -4 && exponent < 6) std::snprintf(buf, sizeof buf, "%.*f", std::max(0, digits - 1 - exponent), v);
  return buf;
#endif
}
inline std::string format_accuracy(double v) { return format_g(v, 9); }
inline std::string format_latency(double v) { return format_g(v, 10); }
inline std::string format_millions(double v) { return format_fixed(v, 6); }

// "3, 5, 7" (or with another separator): the architecture lists of YAML and CSV files.
template <class Values>
std::string join_ints(const Values& values, const char* sep = ", ") {
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? sep : "") + std::to_string(values[i]);
  return s;
}

}  // namespace ofa::common
