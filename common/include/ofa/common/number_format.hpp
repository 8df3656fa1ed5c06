// How numbers are written into the project's files (round-trip precision, fixed decimals).
#pragma once
#include <cstdio>
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
