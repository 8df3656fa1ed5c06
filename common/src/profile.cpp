#include "ofa/common/profile.hpp"

#include "ofa/common/limits.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "ofa/common/yaml_values.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

std::string to_string(Metric m) { return m == Metric::Latency ? "latency" : "flops"; }

std::string to_string(Algorithm a) {
  switch (a) {
    case Algorithm::Evolution: return "evolution";
    case Algorithm::Nsga2: return "nsga2";
    case Algorithm::Exhaustive: return "exhaustive";
  }
  return "?";
}

Metric parse_metric(const std::string& s) {
  if (s == "latency") return Metric::Latency;
  if (s == "flops") return Metric::Flops;
  throw Error("metric '" + s + "' is not one of latency, flops");
}

Algorithm parse_algorithm(const std::string& s) {
  if (s == "evolution") return Algorithm::Evolution;
  if (s == "nsga2") return Algorithm::Nsga2;
  if (s == "exhaustive") return Algorithm::Exhaustive;
  throw Error("algorithm '" + s + "' is not one of evolution, nsga2, exhaustive");
}

void validate(const SearchSettings& s, const std::string& where) {
  auto fail = [&where](const std::string& msg) { throw Error(where + msg); };
  if (s.population < 4) fail("population = " + std::to_string(s.population) + " must be at least 4");
  if (s.population > kMaxCount) fail("population = " + std::to_string(s.population) + " is more than " + std::to_string(kMaxCount));
  if (s.generations < 1) fail("generations = " + std::to_string(s.generations) + " must be at least 1");
  if (s.generations > kMaxCount) fail("generations = " + std::to_string(s.generations) + " is more than " + std::to_string(kMaxCount));
  auto ratio = [&fail](const char* name, double v) {
    if (!(v > 0.0 && v <= 1.0)) {
      std::ostringstream os;
      os << name << " = " << v << " must be in (0, 1]";
      fail(os.str());
    }
  };
  ratio("parent_ratio", s.parent_ratio);
  ratio("mutation_ratio", s.mutation_ratio);
  ratio("mutate_prob", s.mutate_prob);
  if (s.threads < 0) fail("threads = " + std::to_string(s.threads) + " must be >= 0");
  if (s.threads > kMaxThreads)
    fail("threads = " + std::to_string(s.threads) + " is more than the " + std::to_string(kMaxThreads) + " threads a search may use");
  for (double c : s.constraints) {
    if (!std::isfinite(c) || c <= 0) {
      std::ostringstream os;
      os << "constraint " << c << " must be a positive number";
      fail(os.str());
    }
  }
}

namespace {

std::vector<double> constraint_range(double from, double to, double step, const std::string& where) {
  if (!(step > 0)) throw Error(where + ": step must be positive");
  if (to < from) throw Error(where + ": 'to' is below 'from'");
  std::vector<double> out;
  const long n = std::lround(std::floor((to - from) / step + 1e-9));
  if (n > 100000) throw Error(where + ": more than 100000 constraints");
  for (long i = 0; i <= n; ++i) out.push_back(from + static_cast<double>(i) * step);
  return out;
}

double parse_number(const std::string& s, const std::string& where) {
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw Error(where + ": '" + s + "' is not a number");
}

}  // namespace

std::vector<double> parse_constraints(const std::string& text, const std::string& flag) {
  const std::string where = flag + " '" + text + "'";
  if (text.empty()) throw Error(where + ": empty");
  if (text.find(':') != std::string::npos) {
    std::vector<std::string> parts;
    std::stringstream ss(text);
    for (std::string p; std::getline(ss, p, ':');) parts.push_back(p);
    if (parts.size() != 3) throw Error(where + ": expected from:to:step");
    return constraint_range(parse_number(parts[0], where), parse_number(parts[1], where),
                            parse_number(parts[2], where), where);
  }
  std::vector<double> out;
  std::stringstream ss(text);
  for (std::string p; std::getline(ss, p, ',');) out.push_back(parse_number(p, where));
  return out;
}

std::vector<int> parse_thread_counts(const std::string& text, const std::string& flag) {
  std::vector<int> out;
  for (double v : parse_constraints(text, flag)) {
    if (!(v >= 1 && v <= kMaxThreads) || v != std::floor(v))
      throw Error(flag + ": " + format_g(v, 6) + " is not a thread count (a whole number in 1.." + std::to_string(kMaxThreads) + ")");
    out.push_back(static_cast<int>(v));
  }
  return out;
}

std::vector<int> parse_resolutions(const std::string& text, const std::string& flag) {
  std::vector<int> out;
  for (double v : parse_constraints(text, flag)) {
    // Checked before the cast: a double beyond int's range makes the cast undefined.
    if (!(v >= 1 && v <= 10000) || v != std::floor(v))
      throw Error(flag + ": " + std::to_string(v) + " is not a whole number of pixels in 1..10000");
    out.push_back(static_cast<int>(v));
  }
  return out;
}

namespace {

struct PathResolver {
  fs::path profile_dir;
  std::string data_dir_flag;
  std::optional<fs::path> data_dir;

  fs::path operator()(const std::string& value, const std::string& where) {
    if (value.rfind("data:", 0) == 0) {
      if (!data_dir) {
        try {
          data_dir = resolve_data_dir(data_dir_flag);
        } catch (const Error& e) {
          throw Error(where + " = '" + value + "' needs the data folder: " + e.what());
        }
      }
      return *data_dir / value.substr(5);
    }
    fs::path p(value);
    return p.is_absolute() ? p : profile_dir / p;
  }
};

SearchSettings parse_search(const YAML::Node& node, const std::string& where, const SearchSpace& space) {
  SearchSettings s;
  if (!node.IsDefined() || node.IsNull()) return s;
  if (!node.IsMap()) throw Error(where + ": key 'search' must be a mapping");
  check_yaml_keys(node,
             {"algorithm", "constraints", "resolutions", "population", "generations", "parent_ratio", "mutation_ratio",
              "mutate_prob", "seed", "threads"},
             where + ": search");
  auto key = [&where](const char* k) { return where + ": search." + k; };
  if (node["algorithm"]) s.algorithm = parse_algorithm(yaml_string(node["algorithm"], key("algorithm")));
  if (const YAML::Node c = node["constraints"]; c) {
    if (c.IsSequence()) {
      for (std::size_t i = 0; i < c.size(); ++i)
        s.constraints.push_back(yaml_double(c[i], key("constraints") + "[" + std::to_string(i) + "]"));
    } else if (c.IsMap()) {
      check_yaml_keys(c, {"from", "to", "step"}, key("constraints"));
      for (const char* k : {"from", "to", "step"})
        if (!c[k]) throw Error(key("constraints") + ": missing key '" + k + "'");
      s.constraints = constraint_range(yaml_double(c["from"], key("constraints.from")),
                                       yaml_double(c["to"], key("constraints.to")),
                                       yaml_double(c["step"], key("constraints.step")), key("constraints"));
    } else {
      throw Error(key("constraints") + " must be a list or {from, to, step}");
    }
  }
  if (const YAML::Node rs = node["resolutions"]; rs) {
    if (!rs.IsSequence() || rs.size() == 0) throw Error(key("resolutions") + " must be a non-empty list");
    for (std::size_t i = 0; i < rs.size(); ++i) {
      const std::string w = key("resolutions") + "[" + std::to_string(i) + "]";
      const int r = yaml_int(rs[i], w);
      if (!space.has_resolution(r))
        throw Error(w + " = " + std::to_string(r) + " is not one of the profile's resolutions");
      if (std::find(s.resolutions.begin(), s.resolutions.end(), r) == s.resolutions.end()) s.resolutions.push_back(r);
    }
    std::sort(s.resolutions.begin(), s.resolutions.end());
  }
  if (node["population"]) s.population = yaml_int(node["population"], key("population"));
  if (node["generations"]) s.generations = yaml_int(node["generations"], key("generations"));
  if (node["parent_ratio"]) s.parent_ratio = yaml_double(node["parent_ratio"], key("parent_ratio"));
  if (node["mutation_ratio"]) s.mutation_ratio = yaml_double(node["mutation_ratio"], key("mutation_ratio"));
  if (node["mutate_prob"]) s.mutate_prob = yaml_double(node["mutate_prob"], key("mutate_prob"));
  if (node["seed"]) {
    const int seed = yaml_int(node["seed"], key("seed"));
    if (seed < 0) throw Error(key("seed") + " = " + std::to_string(seed) + " must be >= 0");
    s.seed = static_cast<std::uint64_t>(seed);
  }
  if (node["threads"]) s.threads = yaml_int(node["threads"], key("threads"));
  validate(s, where + ": search.");
  return s;
}

}  // namespace

static DeviceProfile load_profile_unguarded(const fs::path& file, const std::string& data_dir_flag) {
  const YAML::Node root = load_yaml_file(file);
  const std::string where = file.string();
  if (!root.IsMap()) throw Error(where + ": a profile must be a mapping");
  check_yaml_keys(root,
             {"format", "name", "device", "space", "elastic_kernel", "resolutions", "predictor", "lut", "metric",
              "search"},
             where);
  if (root["format"]) {
    const std::string fmt = yaml_string(root["format"], where + ": key 'format'");
    if (fmt != "ofa-profile/1") throw Error(where + ": format '" + fmt + "' is not supported (expected ofa-profile/1)");
  }
  DeviceProfile p;
  p.file = file;
  PathResolver resolve{file.parent_path(), data_dir_flag, std::nullopt};
  if (!root["space"]) throw Error(where + ": missing key 'space'");
  p.name = root["name"] ? yaml_string(root["name"], where + ": key 'name'") : file.stem().string();
  p.device = root["device"] ? yaml_string(root["device"], where + ": key 'device'") : p.name;
  if (root["elastic_kernel"]) p.elastic_kernel = yaml_bool(root["elastic_kernel"], where + ": key 'elastic_kernel'");
  try {
    p.space = search_space(yaml_string(root["space"], where + ": key 'space'"), p.elastic_kernel);
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
  if (const YAML::Node rs = root["resolutions"]; rs) {
    if (!rs.IsSequence() || rs.size() == 0) throw Error(where + ": key 'resolutions' must be a non-empty list");
    std::vector<int> chosen;
    for (std::size_t i = 0; i < rs.size(); ++i) {
      const std::string w = where + ": resolutions[" + std::to_string(i) + "]";
      const int r = yaml_int(rs[i], w);
      if (!p.space.has_resolution(r)) throw Error(w + " = " + std::to_string(r) + " is not a resolution of " + p.space.name);
      if (std::find(chosen.begin(), chosen.end(), r) == chosen.end()) chosen.push_back(r);
    }
    std::sort(chosen.begin(), chosen.end());
    p.space.resolutions = chosen;
  }
  if (root["predictor"] && !root["predictor"].IsNull())
    p.predictor = resolve(yaml_string(root["predictor"], where + ": key 'predictor'"), where + ": key 'predictor'");
  if (root["lut"] && !root["lut"].IsNull())
    p.lut = resolve(yaml_string(root["lut"], where + ": key 'lut'"), where + ": key 'lut'");
  if (root["metric"]) {
    try {
      p.metric = parse_metric(yaml_string(root["metric"], where + ": key 'metric'"));
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
  }
  if (p.metric == Metric::Latency && !p.lut) throw Error(where + ": metric 'latency' needs key 'lut'");
  p.search = parse_search(root["search"], where, p.space);
  return p;
}

DeviceProfile load_profile(const fs::path& file, const std::string& data_dir_flag) {
  return guard_yaml(file.string(), [&] { return load_profile_unguarded(file, data_dir_flag); });
}

}  // namespace ofa::common
