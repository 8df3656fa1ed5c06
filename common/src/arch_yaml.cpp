#include "ofa/common/arch_yaml.hpp"

#include "ofa/common/error.hpp"

namespace ofa::common {

namespace {

template <std::size_t N>
void read_list(const YAML::Node& map, const char* key, std::array<int, N>& out, const std::string& where) {
  const YAML::Node node = map[key];
  const std::string w = where + ": key '" + key + "'";
  if (!node.IsDefined()) throw Error(where + ": missing key '" + key + "'");
  if (!node.IsSequence() || node.size() != N)
    throw Error(w + " must be a list of " + std::to_string(N) + " integers, got " +
                (node.IsSequence() ? std::to_string(node.size()) + " values" : describe_yaml(node)));
  for (std::size_t i = 0; i < N; ++i) out[i] = yaml_int(node[i], w + "[" + std::to_string(i) + "]");
}

}  // namespace

ArchConfig arch_from_yaml(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) throw Error(where + ": an architecture must be a mapping with ks, e, d, r");
  ArchConfig a;
  read_list(node, "ks", a.ks, where);
  read_list(node, "e", a.e, where);
  read_list(node, "d", a.d, where);
  if (!node["r"].IsDefined()) throw Error(where + ": missing key 'r'");
  a.r = yaml_int(node["r"], where + ": key 'r'");
  return a;
}

static std::vector<NamedArch> read_archs_unguarded(const std::filesystem::path& file, const SearchSpace& space) {
  const YAML::Node root = load_yaml_file(file);
  if (!root.IsMap()) throw Error(file.string() + ": expected an architecture or a mapping name -> architecture");
  std::vector<NamedArch> out;
  auto add = [&](const std::string& name, const YAML::Node& node, const std::string& where) {
    ArchConfig a = arch_from_yaml(node, where);
    if (auto msg = validation_error(space, a); !msg.empty()) throw Error(where + ": " + msg);
    out.push_back({name, a});
  };
  if (root["ks"].IsDefined()) {
    add(file.stem().string(), root, file.string());
  } else {
    for (const auto& kv : root) {
      const std::string name = kv.first.Scalar();
      add(name, kv.second, file.string() + ": '" + name + "'");
    }
  }
  if (out.empty()) throw Error(file.string() + ": no architectures in the file");
  return out;
}

std::vector<NamedArch> read_archs(const std::filesystem::path& file, const SearchSpace& space) {
  return guard_yaml(file.string(), [&] { return read_archs_unguarded(file, space); });
}

void emit_arch_fields(YAML::Emitter& out, const ArchConfig& a) {
  auto seq = [&out](const char* key, const auto& values) {
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (int v : values) out << v;
    out << YAML::EndSeq;
  };
  seq("ks", a.ks);
  seq("e", a.e);
  seq("d", a.d);
  out << YAML::Key << "r" << YAML::Value << a.r;
}

}  // namespace ofa::common
