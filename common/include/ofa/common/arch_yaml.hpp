#pragma once
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "ofa/common/arch_config.hpp"

namespace ofa::common {

struct NamedArch {
  std::string name;
  ArchConfig arch;
};

// A YAML file holding one architecture (`{ks, e, d, r}`) or a mapping name -> architecture.
// Other keys are ignored, so result files that carry the architecture can be read back.
// A single-architecture file yields one entry named after the file's stem. Each
// architecture is validated against `space`; errors name the file, the entry and the key.
std::vector<NamedArch> read_archs(const std::filesystem::path& file, const SearchSpace& space);

// Parses `{ks, e, d, r}` from a YAML map; `where` prefixes error messages.
ArchConfig arch_from_yaml(const YAML::Node& node, const std::string& where);

// Writes `ks: [...]`, `e: [...]`, `d: [...]`, `r: R` into a map that the caller has opened.
void emit_arch_fields(YAML::Emitter& out, const ArchConfig& arch);

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

}  // namespace ofa::common
