#include "ofa/common/model_networks_file.hpp"

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

namespace {

constexpr const char* kFormat = "ofa-latency-model-networks/1";

std::string arch_flow(const ArchConfig& a) {
  return "{ks: [" + join_ints(a.ks) + "], e: [" + join_ints(a.e) + "], d: [" + join_ints(a.d) + "], r: " + std::to_string(a.r) + "}";
}

}  // namespace

std::string format_model_networks_yaml(const ModelNetworks& f) {
  std::string s = std::string("format: ") + kFormat + "\nspace: " + f.space + "\nnetworks:\n";
  for (const ModelNetwork& n : f.networks)
    s += "  - {split: " + std::string(n.heldout ? "heldout" : "fit") + ", measured_ms: " + format_g(n.measured_ms, 6) +
         ", model_ms: " + format_g(n.model_ms, 6) + ", table_ms: " + format_g(n.table_ms, 6) + ", arch: " + arch_flow(n.arch) + "}\n";
  return s;
}

ModelNetworks read_model_networks(const std::filesystem::path& file, const SearchSpace& space) {
  const std::string where = file.string();
  return guard_yaml(where, [&] {
    const YAML::Node root = load_yaml_file(file);
    check_yaml_keys(root, {"format", "space", "networks"}, where);
    if (required_string(root, "format", where) != kFormat) throw Error(where + ": 'format' is not " + std::string(kFormat));
    ModelNetworks f;
    f.space = required_string(root, "space", where);
    if (f.space != space.name) throw Error(where + ": space '" + f.space + "' is not " + space.name);
    const YAML::Node list = root["networks"];
    if (!list || !list.IsSequence()) throw Error(where + ": 'networks' is not a list");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = where + ": networks[" + std::to_string(i) + "]";
      const YAML::Node n = list[i];
      check_yaml_keys(n, {"split", "measured_ms", "model_ms", "table_ms", "arch"}, at);
      const std::string split = required_string(n, "split", at);
      if (split != "fit" && split != "heldout") throw Error(at + ": split '" + split + "' is not fit or heldout");
      ModelNetwork m;
      m.heldout = split == "heldout";
      m.measured_ms = yaml_double(n["measured_ms"], at + ".measured_ms");
      m.model_ms = yaml_double(n["model_ms"], at + ".model_ms");
      m.table_ms = yaml_double(n["table_ms"], at + ".table_ms");
      m.arch = arch_from_yaml(n["arch"], at + ".arch");
      if (const std::string e = validation_error(space, m.arch); !e.empty()) throw Error(at + ".arch: " + e);
      f.networks.push_back(m);
    }
    return f;
  });
}

}  // namespace ofa::common
