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

}  // namespace ofa::common
