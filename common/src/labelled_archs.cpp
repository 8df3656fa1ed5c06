#include "ofa/common/labelled_archs.hpp"

#include <cmath>

#include <yaml-cpp/yaml.h>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

namespace {

std::vector<LabelledArch> read_unguarded(const std::filesystem::path& file, const SearchSpace& space) {
  // The architectures through the one arch reader (so the two files never disagree on ks/e/d/r);
  // the accuracies from the same nodes.
  const std::vector<NamedArch> archs = read_archs(file, space);
  const YAML::Node root = load_yaml_file(file);
  const bool single = static_cast<bool>(root["ks"]);
  std::vector<LabelledArch> out;
  for (const NamedArch& a : archs) {
    const YAML::Node node = single ? root : root[a.name];
    const std::string where = single ? file.string() : file.string() + ": '" + a.name + "'";
    const YAML::Node acc = node["accuracy"];
    if (!acc || acc.IsNull()) throw Error(where + ": missing key 'accuracy' (a fraction in [0, 1])");
    const double v = yaml_double(acc, where + ": key 'accuracy'");
    if (!(v >= 0 && v <= 1)) throw Error(where + ": key 'accuracy' = " + format_g(v, 6) + " is not a fraction in [0, 1]");
    out.push_back({a.name, a.arch, v});
  }
  return out;
}

}  // namespace

std::vector<LabelledArch> read_labelled_archs(const std::filesystem::path& file, const SearchSpace& space) {
  return guard_yaml(file.string(), [&] { return read_unguarded(file, space); });
}

std::string format_labelled_archs_yaml(const std::vector<LabelledArch>& archs) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const LabelledArch& a : archs) {
    out << YAML::Key << a.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "accuracy" << YAML::Value << format_g(a.accuracy, 17);
    emit_arch_fields(out, a.arch);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace ofa::common
