// Typed YAML values that name the key and value at fault, and the guard every reader runs inside.
#pragma once
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

#include <yaml-cpp/yaml.h>

#include "ofa/common/error.hpp"

namespace ofa::common {

// Typed reads of YAML values for every file format here (profiles, tables, candidates...):
// each failure is one Error naming `where`, the key and the value at fault.

// Loads a YAML file, turning parser errors into Error("file:line:col: message").
YAML::Node load_yaml_file(const std::filesystem::path& file);

// Reads a scalar as the given type or throws Error naming `where` and the value.
int yaml_int(const YAML::Node& node, const std::string& where);
double yaml_double(const YAML::Node& node, const std::string& where);
// A whole number in [0, 2^64): read from its digits, never through a double (which loses
// integers above 2^53 and makes a negative one undefined when cast).
std::uint64_t yaml_uint64(const YAML::Node& node, const std::string& where);
std::string yaml_string(const YAML::Node& node, const std::string& where);
bool yaml_bool(const YAML::Node& node, const std::string& where);

// map[key] as a string / an int; Error "<where>: missing key 'key'" when absent.
std::string required_string(const YAML::Node& map, const std::string& key, const std::string& where);
int required_int(const YAML::Node& map, const std::string& key, const std::string& where);

// Error naming `where` and the key when `map` has a key outside `known`.
void check_yaml_keys(const YAML::Node& map, const std::set<std::string>& known, const std::string& where);

// Runs `read` (a reader walking a loaded document) so that anything yaml-cpp throws on a
// shape the reader did not expect (a key looked up in a list, say) becomes one Error naming
// `where`, never an exception of yaml-cpp's reaching the user. Every reader goes through it.
template <class F>
auto guard_yaml(const std::string& where, F&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const YAML::Exception& e) {
    throw Error(where + ": unexpected YAML structure: " + e.msg);
  }
}

// How a node is named in messages: 'value', a list, a mapping, nothing.
std::string describe_yaml(const YAML::Node& node);

// A string as a double-quoted YAML scalar.
std::string yaml_quoted(const std::string& text);

}  // namespace ofa::common
