#include "ofa/common/candidates_file.hpp"

#include <set>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::common {

using namespace ofa::common;

std::string format_candidate_fields(const CandidateRow& c, const std::string& first, const std::string& in) {
  std::string s = first + "id: " + std::to_string(c.id) + "\n";
  s += in + "constraint: " + (c.constraint ? format_g(*c.constraint, 10) : std::string("null")) + "\n";
  s += in + "predicted_accuracy: " + format_accuracy(c.predicted_accuracy) + "\n";
  s += in + "latency_ms: " + (c.latency_ms ? format_latency(*c.latency_ms) : std::string("null")) + "\n";
  s += in + "macs_m: " + format_millions(c.macs_m) + "\n";
  s += in + "params_m: " + format_millions(c.params_m) + "\n";
  s += in + "on_front: " + (c.on_front ? "true" : "false") + "\n";
  s += in + "ks: [" + join_ints(c.arch.ks) + "]\n";
  s += in + "e: [" + join_ints(c.arch.e) + "]\n";
  s += in + "d: [" + join_ints(c.arch.d) + "]\n";
  s += in + "r: " + std::to_string(c.arch.r) + "\n";
  return s;
}

SearchSpace file_space(const std::string& name, bool elastic_kernel, const std::string& where) {
  try {
    return search_space(name, elastic_kernel);
  } catch (const Error& e) {
    throw Error(where + ": key 'space': " + e.what());
  }
}

void check_row_arch(const SearchSpace& space, const CandidateRow& row, const std::string& where) {
  const std::string problem = validation_error(space, row.arch);
  if (!problem.empty()) throw Error(where + " (id " + std::to_string(row.id) + "): " + problem);
}

CandidateRow parse_candidate_fields(const YAML::Node& n, const std::string& w) {
  CandidateRow c;
  c.id = yaml_int(n["id"], w + ": key 'id'");
  if (n["constraint"] && !n["constraint"].IsNull()) c.constraint = yaml_double(n["constraint"], w + ": key 'constraint'");
  c.predicted_accuracy = yaml_double(n["predicted_accuracy"], w + ": key 'predicted_accuracy'");
  if (!(c.predicted_accuracy >= 0 && c.predicted_accuracy <= 1))
    throw Error(w + ": key 'predicted_accuracy' = " + format_g(c.predicted_accuracy, 6) + " is not a fraction in [0, 1]");
  if (n["latency_ms"] && !n["latency_ms"].IsNull()) c.latency_ms = yaml_double(n["latency_ms"], w + ": key 'latency_ms'");
  c.macs_m = yaml_double(n["macs_m"], w + ": key 'macs_m'");
  c.params_m = yaml_double(n["params_m"], w + ": key 'params_m'");
  c.on_front = n["on_front"] && yaml_bool(n["on_front"], w + ": key 'on_front'");
  c.arch = arch_from_yaml(n, w);
  return c;
}

std::string format_candidates_yaml(const CandidatesFile& f) {
  std::string s = "format: ofa-candidates/1\n";
  s += "profile: " + yaml_quoted(f.profile) + "\n";
  s += "profile_name: " + yaml_quoted(f.profile_name) + "\n";
  s += "device: " + yaml_quoted(f.device) + "\n";
  s += "space: " + f.space + "\n";
  s += std::string("elastic_kernel: ") + (f.elastic_kernel ? "true" : "false") + "\n";
  s += "metric: " + f.metric + "\n";
  s += "unit: " + f.unit + "\n";
  s += "predictor: " + yaml_quoted(f.predictor) + "\n";
  s += "lut: " + yaml_quoted(f.lut) + "\n";
  s += "lut_calibration: " + format_calibration_key(f.lut_calibration) + "\n";
  s += "algorithm: " + f.algorithm + "\n";
  s += "seed: " + std::to_string(f.seed) + "\n";
  s += "settings: {population: " + std::to_string(f.population) + ", generations: " + std::to_string(f.generations) +
       ", parent_ratio: " + format_g(f.parent_ratio, 10) + ", mutation_ratio: " + format_g(f.mutation_ratio, 10) +
       ", mutate_prob: " + format_g(f.mutate_prob, 10) + ", keep: " + std::to_string(f.keep) + "}\n";
  s += "constraints: [";
  for (std::size_t i = 0; i < f.constraints.size(); ++i) s += (i ? ", " : "") + format_g(f.constraints[i], 10);
  s += "]\n";
  s += "resolutions: [" + join_ints(f.resolutions) + "]\n";
  s += "candidates:\n";
  for (const auto& c : f.candidates) s += format_candidate_fields(c, "  - ", "    ");
  return s;
}

std::string format_candidates_csv(const CandidatesFile& f) {
  std::string s = "id,constraint,predicted_accuracy,latency_ms,macs_m,params_m,on_front,ks,e,d,r\n";
  for (const auto& c : f.candidates) {
    s += std::to_string(c.id) + "," + (c.constraint ? format_g(*c.constraint, 10) : "") + "," +
         format_accuracy(c.predicted_accuracy) + "," + (c.latency_ms ? format_latency(*c.latency_ms) : "") + "," +
         format_millions(c.macs_m) + "," + format_millions(c.params_m) + "," + (c.on_front ? "1" : "0") + "," +
         join_ints(c.arch.ks, " ") + "," + join_ints(c.arch.e, " ") + "," + join_ints(c.arch.d, " ") + "," + std::to_string(c.arch.r) +
         "\n";
  }
  return s;
}

static CandidatesFile read_candidates_unguarded(const std::filesystem::path& path) {
  const YAML::Node root = load_yaml_file(path);
  const std::string where = path.string();
  if (!root.IsMap()) throw Error(where + ": not a candidates file");
  const std::string format = root["format"] ? yaml_string(root["format"], where + ": key 'format'") : "";
  if (format != "ofa-candidates/1")
    throw Error(where + ": format '" + format + "' is not supported (expected ofa-candidates/1)");
  CandidatesFile f;
  auto str = [&](const char* key) { return required_string(root, key, where); };
  f.profile = str("profile");
  f.profile_name = str("profile_name");
  f.device = str("device");
  f.space = str("space");
  f.elastic_kernel = root["elastic_kernel"] && yaml_bool(root["elastic_kernel"], where + ": key 'elastic_kernel'");
  f.metric = str("metric");
  if (f.metric != "latency" && f.metric != "flops") throw Error(where + ": key 'metric' = '" + f.metric + "' is not latency or flops");
  f.unit = str("unit");
  f.predictor = str("predictor");
  f.lut = str("lut");
  f.lut_calibration = parse_calibration_key(root["lut_calibration"], where);
  f.algorithm = str("algorithm");
  if (f.algorithm != "evolution" && f.algorithm != "nsga2" && f.algorithm != "exhaustive")
    throw Error(where + ": key 'algorithm' = '" + f.algorithm + "' is not evolution, nsga2 or exhaustive");
  f.seed = yaml_uint64(root["seed"], where + ": key 'seed'");
  if (const YAML::Node st = root["settings"]; st && st.IsMap()) {
    f.population = yaml_int(st["population"], where + ": settings.population");
    f.generations = yaml_int(st["generations"], where + ": settings.generations");
    f.parent_ratio = yaml_double(st["parent_ratio"], where + ": settings.parent_ratio");
    f.mutation_ratio = yaml_double(st["mutation_ratio"], where + ": settings.mutation_ratio");
    f.mutate_prob = yaml_double(st["mutate_prob"], where + ": settings.mutate_prob");
    f.keep = yaml_int(st["keep"], where + ": settings.keep");
  }
  if (const YAML::Node cs = root["constraints"]; cs && cs.IsSequence())
    for (std::size_t i = 0; i < cs.size(); ++i) f.constraints.push_back(yaml_double(cs[i], where + ": constraints"));
  if (const YAML::Node rs = root["resolutions"]; rs && rs.IsSequence())
    for (std::size_t i = 0; i < rs.size(); ++i) f.resolutions.push_back(yaml_int(rs[i], where + ": resolutions"));
  const YAML::Node list = root["candidates"];
  if (!list || !list.IsSequence()) throw Error(where + ": key 'candidates' must be a list");
  const SearchSpace space = file_space(f.space, f.elastic_kernel, where);
  std::set<int> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    const std::string w = where + ": candidates[" + std::to_string(i) + "]";
    const CandidateRow c = parse_candidate_fields(n, w);
    check_row_arch(space, c, w);
    if (!ids.insert(c.id).second) throw Error(w + ": candidate id " + std::to_string(c.id) + " appears twice");
    f.candidates.push_back(c);
  }
  return f;
}

CandidatesFile read_candidates(const std::filesystem::path& path) {
  return guard_yaml(path.string(), [&] { return read_candidates_unguarded(path); });
}

}  // namespace ofa::common
