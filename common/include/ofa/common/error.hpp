// The one error type the libraries throw: a one-line message naming the file, key and value at fault.
#pragma once
#include <stdexcept>
#include <string>

namespace ofa::common {

// Every user-facing failure (bad input, missing data) is an Error whose message is one
// line naming the file, key and value at fault; tools print it and exit 2.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The first line of a message: what a library (LibTorch's c10::Error and its stack trace)
// puts after it is not for the user.
inline std::string first_line(const std::string& what) { return what.substr(0, what.find('\n')); }

// A value as a one-line message shows it: control characters (a newline that would cut the
// message, a tab, an escape) written as \n, \t, \xNN.
inline std::string printable(const std::string& value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += std::string("\\x") + kHex[u >> 4] + kHex[u & 15];
    else out += c;
  }
  return out;
}

}  // namespace ofa::common
