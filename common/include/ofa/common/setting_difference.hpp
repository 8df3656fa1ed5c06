// How a resumed file's settings differ from this run's, for --resume's refusal message.
#pragma once
#include <initializer_list>
#include <sstream>
#include <string>

namespace ofa::common {

// "key X in the file, Y now" when the two values differ, "" when they agree.
template <class T>
std::string setting_difference(const char* key, const T& in_file, const T& now) {
  if (in_file == now) return "";
  std::ostringstream s;
  s << std::boolalpha << key << " " << in_file << " in the file, " << now << " now";
  return s.str();
}

// The first non-empty difference, "" when every setting agrees.
inline std::string first_difference(std::initializer_list<std::string> differences) {
  for (const std::string& d : differences)
    if (!d.empty()) return d;
  return "";
}

}  // namespace ofa::common
