#include "ofa/common/library_file.hpp"

#include <set>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/common/candidates_file.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::common {

using namespace ofa::common;

std::string format_library_yaml(const LibraryFile& f) {
  // The lowest version that holds the content, so readers of /2 still read what they can.
  const bool imported = !f.latency_device.empty() || !f.imported_from.empty();
  std::string s = imported ? "format: ofa-library/3\n" : "format: ofa-library/2\n";
  s += format_setup_yaml(f);
  if (imported) {
    s += "latency_device: " + yaml_quoted(f.latency_device) + "\n";
    s += "imported_from: " + yaml_quoted(f.imported_from) + "\n";
  }
  s += "measured: " + yaml_quoted(f.measured) + "\n";
  s += "accuracy_source: " + f.accuracy_source + "\n";
  s += "levels:\n";
  for (std::size_t i = 0; i < f.levels.size(); ++i) {
    const Level& l = f.levels[i];
    s += "  - level: " + std::to_string(i) + "\n";
    s += "    candidate_id: " + std::to_string(l.candidate_id) + "\n";
    s += "    accuracy: " + format_accuracy(l.accuracy) + "\n";
    s += "    accuracy_source: " + (l.accuracy_source.empty() ? f.accuracy_source : l.accuracy_source) + "\n";
    s += "    latency_ms: {median: " + format_g(l.latency_median_ms, 8) + ", p90: " + format_g(l.latency_p90_ms, 8) + "}\n";
    s += "    predicted_latency_ms: " + (l.predicted_latency_ms ? format_latency(*l.predicted_latency_ms) : std::string("null")) + "\n";
    s += "    macs_m: " + format_millions(l.macs_m) + "\n";
    s += "    params_m: " + format_millions(l.params_m) + "\n";
    s += "    bn: " + (l.bn.empty() ? std::string("null") : yaml_quoted(l.bn)) + "\n";
    if (!l.engine.empty()) s += "    engine: " + l.engine + "\n";
    s += format_item_precision(l.precision, "    ");
    s += "    ks: [" + join_ints(l.arch.ks) + "]\n";
    s += "    e: [" + join_ints(l.arch.e) + "]\n";
    s += "    d: [" + join_ints(l.arch.d) + "]\n";
    s += "    r: " + std::to_string(l.arch.r) + "\n";
  }
  return s;
}

void check_levels(const std::vector<Level>& levels, const std::string& where) {
  auto describe = [&](std::size_t i) {
    return "levels[" + std::to_string(i) + "] (" + format_g(levels[i].latency_median_ms, 6) + " ms, accuracy " +
           format_g(levels[i].accuracy, 6) + ")";
  };
  for (std::size_t i = 1; i < levels.size(); ++i) {
    const Level &a = levels[i - 1], &b = levels[i];
    if (b.latency_median_ms < a.latency_median_ms)
      throw Error(where + ": " + describe(i) + " is faster than " + describe(i - 1) + ": levels must be sorted fastest first");
    if (b.accuracy <= a.accuracy)
      throw Error(where + ": " + describe(i) + " is dominated by " + describe(i - 1) +
                  ": every level must be more accurate than the faster ones");
    if (b.latency_median_ms == a.latency_median_ms)
      throw Error(where + ": " + describe(i - 1) + " is dominated by " + describe(i) + " (same latency, less accurate)");
  }
}

static void read_level_latency(const YAML::Node& n, Level& l, const std::string& w) {
  const YAML::Node t = n["latency_ms"];
  if (!t || !t.IsMap()) throw Error(w + ": key 'latency_ms' must be a mapping {median, p90}");
  check_yaml_keys(t, {"median", "p90"}, w + ": latency_ms");
  l.latency_median_ms = yaml_double(t["median"], w + ": latency_ms.median");
  l.latency_p90_ms = yaml_double(t["p90"], w + ": latency_ms.p90");
  if (!(l.latency_median_ms > 0)) throw Error(w + ": latency_ms.median = " + format_g(l.latency_median_ms, 6) + " must be positive");
  if (l.latency_p90_ms < l.latency_median_ms)
    throw Error(w + ": latency_ms.p90 = " + format_g(l.latency_p90_ms, 6) + " is below the median " + format_g(l.latency_median_ms, 6));
}

static Level read_level(const YAML::Node& n, std::size_t i, const LibraryFile& f, const SearchSpace& space, const std::string& w) {
  if (!n.IsMap()) throw Error(w + " is not a mapping");
  check_yaml_keys(n,
                  {"level", "candidate_id", "accuracy", "accuracy_source", "latency_ms", "predicted_latency_ms", "macs_m", "params_m", "bn",
                   "engine", "precision", "int8", "ks", "e", "d", "r"},
                  w);
  Level l;
  if (n["level"] && yaml_int(n["level"], w + ": key 'level'") != static_cast<int>(i))
    throw Error(w + ": key 'level' = " + n["level"].Scalar() + ", expected " + std::to_string(i) + " (levels are numbered in order)");
  l.candidate_id = n["candidate_id"] ? yaml_int(n["candidate_id"], w + ": key 'candidate_id'") : static_cast<int>(i);
  l.accuracy = yaml_double(n["accuracy"], w + ": key 'accuracy'");
  if (!(l.accuracy >= 0 && l.accuracy <= 1)) throw Error(w + ": key 'accuracy' = " + format_g(l.accuracy, 6) + " is not a fraction in [0, 1]");
  l.accuracy_source = n["accuracy_source"] ? yaml_string(n["accuracy_source"], w + ": key 'accuracy_source'") : f.accuracy_source;
  if (l.accuracy_source != "predicted" && l.accuracy_source != "measured")
    throw Error(w + ": key 'accuracy_source' = '" + l.accuracy_source + "' is not predicted or measured");
  read_level_latency(n, l, w);
  if (n["predicted_latency_ms"] && !n["predicted_latency_ms"].IsNull())
    l.predicted_latency_ms = yaml_double(n["predicted_latency_ms"], w + ": key 'predicted_latency_ms'");
  l.macs_m = n["macs_m"] ? yaml_double(n["macs_m"], w + ": key 'macs_m'") : 0;
  l.params_m = n["params_m"] ? yaml_double(n["params_m"], w + ": key 'params_m'") : 0;
  if (n["bn"] && !n["bn"].IsNull()) {
    l.bn = yaml_string(n["bn"], w + ": key 'bn'");
    // An empty path names no file: leave the key out (or null) for a level without BN statistics.
    if (l.bn.empty()) throw Error(w + ": key 'bn' is empty; leave it out for a level without a BN file");
  }
  l.engine = read_item_engine(n, f.engine, w);
  l.precision = read_item_precision(n, w);
  l.arch = arch_from_yaml(n, w);
  try {
    validate(space, l.arch);
  } catch (const Error& e) {
    throw Error(w + ": " + e.what());
  }
  return l;
}

static LibraryFile read_library_unguarded(const std::filesystem::path& path) {
  const YAML::Node root = load_yaml_file(path);
  const std::string where = path.string();
  if (!root.IsMap()) throw Error(where + ": not a library file (expected a YAML mapping)");
  const std::string format = root["format"] ? yaml_string(root["format"], where + ": key 'format'") : "";
  if (format != "ofa-library/1" && format != "ofa-library/2" && format != "ofa-library/3")
    throw Error(where + ": format '" + format + "' is not supported (expected ofa-library/2 or /3, or /1)");
  LibraryFile f;
  f.format_version = format == "ofa-library/1" ? 1 : format == "ofa-library/2" ? 2 : 3;
  std::set<std::string> keys{"format", "space", "elastic_kernel", "profile_name", "device", "engine", "ort_provider", "allow_tf32", "machine", "libtorch",
                             "threads", "batch", "weights", "measured", "accuracy_source", "levels"};
  if (f.format_version >= 3) {
    keys.insert({"latency_device", "imported_from"});
    f.latency_device = required_string(root, "latency_device", where);
    f.imported_from = required_string(root, "imported_from", where);
  }
  check_yaml_keys(root, keys, where);
  static_cast<MeasurementSetup&>(f) = read_setup_yaml(root, where, false);
  const SearchSpace space = file_space(f.space, f.elastic_kernel, where);
  f.measured = required_string(root, "measured", where);
  f.accuracy_source = required_string(root, "accuracy_source", where);
  if (f.accuracy_source != "predicted" && f.accuracy_source != "measured")
    throw Error(where + ": key 'accuracy_source' = '" + f.accuracy_source + "' is not predicted or measured");
  const YAML::Node list = root["levels"];
  if (!list || !list.IsSequence() || list.size() == 0) throw Error(where + ": key 'levels' must be a non-empty list");
  for (std::size_t i = 0; i < list.size(); ++i) f.levels.push_back(read_level(list[i], i, f, space, where + ": levels[" + std::to_string(i) + "]"));
  check_levels(f.levels, where);
  return f;
}

LibraryFile read_library(const std::filesystem::path& path) {
  return guard_yaml(path.string(), [&] { return read_library_unguarded(path); });
}

std::filesystem::path weights_path(const LibraryFile& library, const std::filesystem::path& library_file) {
  if (library.weights == "random") return {};
  const std::filesystem::path w(library.weights);
  if (w.is_absolute() || library.format_version < 2) return w;
  return library_file.parent_path() / w;
}

std::string weights_for_library(const std::string& weights, const std::filesystem::path& library_file) {
  const std::filesystem::path w(weights);
  if (weights == "random" || w.is_absolute()) return weights;
  const std::filesystem::path folder = std::filesystem::absolute(library_file).parent_path().lexically_normal();
  return std::filesystem::absolute(w).lexically_normal().lexically_relative(folder).string();
}

std::string rebase_relative(const std::string& path, const std::filesystem::path& from, const std::filesystem::path& to) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  // A bare file name's parent_path() is empty: the current folder (std::filesystem::absolute throws on "").
  auto folder = [](const std::filesystem::path& f) { return std::filesystem::absolute(f.empty() ? std::filesystem::path(".") : f).lexically_normal(); };
  const std::filesystem::path target = (folder(from) / p).lexically_normal();
  return target.lexically_relative(folder(to)).string();
}

}  // namespace ofa::common
