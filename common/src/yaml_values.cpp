#include "ofa/common/yaml_values.hpp"

#include <set>
#include <tuple>
#include <vector>

#include <charconv>
#include <cmath>

#include "ofa/common/error.hpp"

namespace ofa::common {

namespace {

// yaml-cpp keeps every entry of a mapping and its lookups return the first, so a repeated key
// would be silently ignored: every mapping of a file is checked once, on load (an explicit
// stack, so a deeply nested file cannot exhaust the call stack).
void check_duplicate_keys(const YAML::Node& root, const std::string& where) {
  // An alias shares its anchor's node (`a: &x [*x]` even contains itself): each container is
  // visited once, keyed by where it starts in the file.
  std::set<std::tuple<int, int, int>> visited;
  std::vector<std::pair<YAML::Node, std::string>> stack{{root, ""}};
  while (!stack.empty()) {
    auto [node, path] = stack.back();
    stack.pop_back();
    if (!node.IsMap() && !node.IsSequence()) continue;
    const YAML::Mark m = node.Mark();
    if (!visited.emplace(m.pos, m.line, m.column).second) continue;
    if (node.IsMap()) {
      std::set<std::string> keys;
      for (const auto& kv : node) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("(a non-scalar key)");
        const std::string at = path.empty() ? key : path + "." + key;
        if (kv.first.IsScalar() && !keys.insert(key).second) throw Error(where + ": key '" + at + "' appears twice");
        stack.emplace_back(kv.second, at);
      }
    } else {
      for (std::size_t i = 0; i < node.size(); ++i) stack.emplace_back(node[i], path + "[" + std::to_string(i) + "]");
    }
  }
}

}  // namespace

YAML::Node load_yaml_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) throw Error(file.string() + ": is a folder, expected a file");
  if (!std::filesystem::is_regular_file(file, ec)) throw Error(file.string() + ": no such file");
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& ex) {
    throw Error(file.string() + ":" + std::to_string(ex.mark.line + 1) + ":" + std::to_string(ex.mark.column + 1) +
                ": malformed YAML: " + ex.msg);
  }
  check_duplicate_keys(root, file.string());
  return root;
}

namespace {

// yaml-cpp throws from IsScalar() on the node a lookup into a list or a scalar returns (an
// "invalid" node): ask IsDefined() first, which never throws.
bool is_scalar(const YAML::Node& node) { return node.IsDefined() && node.IsScalar(); }

}  // namespace

std::string describe_yaml(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  return "a mapping";
}

int yaml_int(const YAML::Node& node, const std::string& where) {
  if (is_scalar(node)) {
    try {
      return node.as<int>();
    } catch (const YAML::Exception&) {
    }
  }
  throw Error(where + " must be an integer, got " + describe_yaml(node));
}

std::uint64_t yaml_uint64(const YAML::Node& node, const std::string& where) {
  if (is_scalar(node)) {
    const std::string& text = node.Scalar();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return v;
  }
  throw Error(where + " must be a whole number in [0, 2^64), got " + describe_yaml(node));
}

double yaml_double(const YAML::Node& node, const std::string& where) {
  if (is_scalar(node)) {
    try {
      const double v = node.as<double>();
      if (std::isfinite(v)) return v;
    } catch (const YAML::Exception&) {
    }
  }
  throw Error(where + " must be a finite number, got " + describe_yaml(node));
}

std::string yaml_string(const YAML::Node& node, const std::string& where) {
  if (is_scalar(node)) return node.Scalar();
  throw Error(where + " must be a string, got " + describe_yaml(node));
}

bool yaml_bool(const YAML::Node& node, const std::string& where) {
  if (is_scalar(node)) {
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
    }
  }
  throw Error(where + " must be true or false, got " + describe_yaml(node));
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

std::string yaml_quoted(const std::string& text) {
  YAML::Emitter e;
  e << YAML::DoubleQuoted << text;
  return e.c_str();
}

}  // namespace ofa::common
