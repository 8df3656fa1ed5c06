#include "ofa/common/accuracy_part_file.hpp"

#include <algorithm>

#include "ofa/common/error.hpp"
#include "ofa/common/yaml_values.hpp"

namespace ofa::common {

namespace {

std::string join(const std::vector<int>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s;
}

std::string inputs_yaml(const AccuracyPartInputs& in) {
  std::string s = "inputs:\n";
  s += "  measured: " + yaml_quoted(in.measured) + "\n";
  s += "  measured_sha256: " + in.measured_sha256 + "\n";
  s += "  weights_sha256: " + in.weights_sha256 + "\n";
  s += "  val_sha256: " + in.val_sha256 + "\n";
  s += "  val_count: " + std::to_string(in.val_count) + "\n";
  s += "  calib_sha256: " + yaml_quoted(in.calib_sha256) + "\n";
  s += "  classes_sha256: " + in.classes_sha256 + "\n";
  s += "  batch: " + std::to_string(in.batch) + "\n";
  s += "  engine: " + in.engine + "\n";
  s += "  device: " + yaml_quoted(in.device) + "\n";
  s += "  ort_provider: " + in.ort_provider + "\n";
  s += "  threads: " + std::to_string(in.threads) + "\n";
  s += std::string("  allow_tf32: ") + (in.allow_tf32 ? "true" : "false") + "\n";
  s += "  candidates: [" + join(in.candidates) + "]\n";
  s += "  setup: " + format_accuracy_setup(in.setup) + "\n";
  return s;
}

constexpr std::int64_t kMaxImages = std::int64_t(1) << 40;  // beyond any image folder

std::int64_t count_key(const YAML::Node& map, const char* key, const std::string& where) {
  const std::uint64_t v = yaml_uint64(map[key], where + ": key '" + key + "'");
  if (v > static_cast<std::uint64_t>(kMaxImages)) throw Error(where + ": key '" + key + "' = " + std::to_string(v) + " is beyond any image count");
  return static_cast<std::int64_t>(v);
}

AccuracyPartInputs read_inputs(const YAML::Node& n, const std::string& w) {
  if (!n || !n.IsMap()) throw Error(w + " is missing or not a mapping");
  check_yaml_keys(n, {"measured", "measured_sha256", "weights_sha256", "val_sha256", "val_count", "calib_sha256", "classes_sha256", "batch",
                      "engine", "device", "ort_provider", "threads", "allow_tf32", "candidates", "setup"}, w);
  AccuracyPartInputs in;
  in.measured = required_string(n, "measured", w);
  in.measured_sha256 = required_string(n, "measured_sha256", w);
  in.weights_sha256 = required_string(n, "weights_sha256", w);
  in.val_sha256 = required_string(n, "val_sha256", w);
  in.val_count = count_key(n, "val_count", w);
  in.calib_sha256 = required_string(n, "calib_sha256", w);
  in.classes_sha256 = required_string(n, "classes_sha256", w);
  in.batch = count_key(n, "batch", w);
  if (in.batch < 1) throw Error(w + ": key 'batch' must be >= 1");
  in.engine = required_string(n, "engine", w);
  in.device = required_string(n, "device", w);
  in.ort_provider = required_string(n, "ort_provider", w);
  in.threads = required_int(n, "threads", w);
  in.allow_tf32 = yaml_bool(n["allow_tf32"], w + ": key 'allow_tf32'");
  const YAML::Node c = n["candidates"];
  if (!c || !c.IsSequence()) throw Error(w + ": key 'candidates' must be a list of candidate ids");
  for (std::size_t i = 0; i < c.size(); ++i) in.candidates.push_back(yaml_int(c[i], w + ": candidates[" + std::to_string(i) + "]"));
  in.setup = read_accuracy_setup(n["setup"], w + ": setup");
  return in;
}

AccuracyCell read_cell(const YAML::Node& n, const std::string& w) {
  if (!n.IsMap()) throw Error(w + " is not a mapping");
  check_yaml_keys(n, {"candidate", "first", "end", "images", "top1", "top5", "bn", "bn_sha256"}, w);
  AccuracyCell c;
  c.candidate = yaml_int(n["candidate"], w + ": key 'candidate'");
  c.first = count_key(n, "first", w);
  c.end = count_key(n, "end", w);
  c.images = count_key(n, "images", w);
  c.top1 = count_key(n, "top1", w);
  c.top5 = count_key(n, "top5", w);
  if (c.end < c.first || c.images > c.end - c.first || c.top1 > c.top5 || c.top5 > c.images)
    throw Error(w + ": counts that cannot be (range [" + std::to_string(c.first) + ", " + std::to_string(c.end) + "), images " +
                std::to_string(c.images) + ", top1 " + std::to_string(c.top1) + ", top5 " + std::to_string(c.top5) + ")");
  c.bn = required_string(n, "bn", w);
  c.bn_sha256 = required_string(n, "bn_sha256", w);
  return c;
}

}  // namespace

bool AccuracyPartInputs::same_job(const AccuracyPartInputs& o) const {
  return measured_sha256 == o.measured_sha256 && weights_sha256 == o.weights_sha256 && val_sha256 == o.val_sha256 && val_count == o.val_count &&
         calib_sha256 == o.calib_sha256 && classes_sha256 == o.classes_sha256 && batch == o.batch && engine == o.engine && device == o.device &&
         ort_provider == o.ort_provider && threads == o.threads && allow_tf32 == o.allow_tf32 && candidates == o.candidates && setup == o.setup;
}

std::string format_accuracy_part_yaml(const AccuracyPart& p) {
  std::string s = "format: " + std::string(kAccuracyPartFormat) + "\n";
  s += "shard: {index: " + std::to_string(p.shard.index) + ", count: " + std::to_string(p.shard.count) + "}\n";
  s += "machine: " + yaml_quoted(p.machine) + "\n";
  s += std::string("complete: ") + (p.complete ? "true" : "false") + "\n";
  s += inputs_yaml(p.inputs);
  s += p.cells.empty() ? "cells: []\n" : "cells:\n";
  for (const AccuracyCell& c : p.cells)
    s += "  - {candidate: " + std::to_string(c.candidate) + ", first: " + std::to_string(c.first) + ", end: " + std::to_string(c.end) +
         ", images: " + std::to_string(c.images) + ", top1: " + std::to_string(c.top1) + ", top5: " + std::to_string(c.top5) +
         ", bn: " + yaml_quoted(c.bn) + ", bn_sha256: " + yaml_quoted(c.bn_sha256) + "}\n";
  return s;
}

static AccuracyPart read_part_unguarded(const std::filesystem::path& file) {
  const std::string where = file.string();
  const YAML::Node root = load_yaml_file(file);
  if (!root.IsMap()) throw Error(where + ": not a part of a sharded accuracy run (expected a YAML mapping)");
  const std::string format = root["format"] ? yaml_string(root["format"], where + ": key 'format'") : "";
  if (format != kAccuracyPartFormat) throw Error(where + ": key 'format' = '" + printable(format) + "' is not " + kAccuracyPartFormat);
  check_yaml_keys(root, {"format", "shard", "machine", "complete", "inputs", "cells"}, where);
  AccuracyPart p;
  const YAML::Node s = root["shard"];
  if (!s || !s.IsMap()) throw Error(where + ": key 'shard' must be a mapping {index, count}");
  check_yaml_keys(s, {"index", "count"}, where + ": shard");
  const std::string shard = std::to_string(required_int(s, "index", where + ": shard")) + "/" + std::to_string(required_int(s, "count", where + ": shard"));
  try {
    p.shard = parse_shard(shard);
  } catch (const Error& e) {
    throw Error(where + ": key 'shard' = " + shard + " is not a part I/N with 0 <= I < N");
  }
  p.shard.source = where;
  p.machine = required_string(root, "machine", where);
  p.complete = root["complete"] && yaml_bool(root["complete"], where + ": key 'complete'");
  p.inputs = read_inputs(root["inputs"], where + ": inputs");
  const YAML::Node cells = root["cells"];
  if (!cells || !cells.IsSequence()) throw Error(where + ": key 'cells' must be a list");
  for (std::size_t i = 0; i < cells.size(); ++i) p.cells.push_back(read_cell(cells[i], where + ": cells[" + std::to_string(i) + "]"));
  return p;
}

AccuracyPart read_accuracy_part(const std::filesystem::path& file) {
  return guard_yaml(file.string(), [&] { return read_part_unguarded(file); });
}

std::vector<AccuracyCell> shard_cells(const std::vector<int>& candidates, std::int64_t images, std::int64_t batch, const Shard& shard) {
  const auto c = static_cast<std::int64_t>(candidates.size());
  const std::int64_t batches = batch > 0 ? (images + batch - 1) / batch : 0;
  if (c == 0 || batches == 0) return {};
  // Ranges per candidate: enough that every part has a cell, never more than there are batches.
  const std::int64_t ranges = std::clamp<std::int64_t>((shard.count + c - 1) / c, 1, batches);
  std::vector<AccuracyCell> out;
  for (std::int64_t k = shard.index; k < c * ranges; k += shard.count) {
    const std::int64_t r = k % ranges;
    AccuracyCell cell;
    cell.candidate = candidates[static_cast<std::size_t>(k / ranges)];
    cell.first = std::min(images, r * batches / ranges * batch);
    cell.end = std::min(images, (r + 1) * batches / ranges * batch);
    out.push_back(cell);
  }
  return out;
}

}  // namespace ofa::common
