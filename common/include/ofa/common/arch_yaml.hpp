// Architectures in YAML: one {ks, e, d, r} or a mapping name -> {ks, e, d, r}, read and written.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/yaml_values.hpp"

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

}  // namespace ofa::common
