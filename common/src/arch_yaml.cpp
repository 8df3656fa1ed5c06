#include "ofa/common/arch_yaml.hpp"

#include <charconv>
#include <cmath>
#include <set>

#include "ofa/common/error.hpp"

namespace ofa::common {

YAML::Node load_yaml_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw Error(file.string() + ": no such file");
  try {
    return YAML::LoadFile(file.string());
  } catch (const YAML::Exception& ex) {
    throw Error(file.string() + ":" + std::to_string(ex.mark.line + 1) + ":" + std::to_string(ex.mark.column + 1) +
                ": malformed YAML: " + ex.msg);
  }
}

namespace {

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  return "a mapping";
}

}  // namespace

int yaml_int(const YAML::Node& node, const std::string& where) {
  if (node.IsScalar()) {
    try {
      return node.as<int>();
    } catch (const YAML::Exception&) {
    }
  }
  throw Error(where + " must be an integer, got " + describe(node));
}

std::uint64_t yaml_uint64(const YAML::Node& node, const std::string& where) {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return v;
  }
  throw Error(where + " must be a whole number in [0, 2^64), got " + describe(node));
}

double yaml_double(const YAML::Node& node, const std::string& where) {
  if (node.IsScalar()) {
    try {
      const double v = node.as<double>();
      if (std::isfinite(v)) return v;
    } catch (const YAML::Exception&) {
    }
  }
  throw Error(where + " must be a finite number, got " + describe(node));
}

std::string yaml_string(const YAML::Node& node, const std::string& where) {
  if (node.IsScalar()) return node.Scalar();
  throw Error(where + " must be a string, got " + describe(node));
}

bool yaml_bool(const YAML::Node& node, const std::string& where) {
  if (node.IsScalar()) {
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
    }
  }
  throw Error(where + " must be true or false, got " + describe(node));
}

namespace {

template <std::size_t N>
void read_list(const YAML::Node& map, const char* key, std::array<int, N>& out, const std::string& where) {
  const YAML::Node node = map[key];
  const std::string w = where + ": key '" + key + "'";
  if (!node.IsDefined()) throw Error(where + ": missing key '" + key + "'");
  if (!node.IsSequence() || node.size() != N)
    throw Error(w + " must be a list of " + std::to_string(N) + " integers, got " +
                (node.IsSequence() ? std::to_string(node.size()) + " values" : describe(node)));
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

std::vector<NamedArch> read_archs(const std::filesystem::path& file, const SearchSpace& space) {
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

std::string required_string(const YAML::Node& map, const std::string& key, const std::string& where) {
  const YAML::Node n = map[key];
  if (!n) throw Error(where + ": missing key '" + key + "'");
  return yaml_string(n, where + ": key '" + key + "'");
}

int required_int(const YAML::Node& map, const std::string& key, const std::string& where) {
  const YAML::Node n = map[key];
  if (!n) throw Error(where + ": missing key '" + key + "'");
  return yaml_int(n, where + ": key '" + key + "'");
}

void check_yaml_keys(const YAML::Node& map, const std::set<std::string>& known, const std::string& where) {
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (!known.count(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw Error(where + ": unknown key '" + key + "' (known: " + list + ")");
    }
  }
}

}  // namespace ofa::common
