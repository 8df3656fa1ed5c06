#include "ofa/common/lut_file.hpp"

#include <cmath>
#include <cstdio>

#include "ofa/common/yaml_values.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

std::optional<fs::path> find_lut_file(const fs::path& folder, int r) {
  for (const char* ext : {".json", ".yaml", ".yml"}) {
    fs::path p = folder / (std::to_string(r) + "_lookup_table" + ext);
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

static LutFile read_lut_file_unguarded(const fs::path& file) {
  const YAML::Node root = load_yaml_file(file);
  if (!root.IsMap()) throw Error(file.string() + ": a latency table must map layer keys to {count, mean, std}");
  LutFile out;
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const std::string where = file.string() + ": key '" + key + "'";
    if (!kv.second.IsMap() || !kv.second["mean"]) throw Error(where + ": entry has no 'mean'");
    LutEntry e;
    e.mean = yaml_double(kv.second["mean"], where + ": mean");
    if (e.mean < 0) throw Error(where + ": mean = " + std::to_string(e.mean) + " is negative");
    if (kv.second["std"]) e.std = yaml_double(kv.second["std"], where + ": std");
    if (kv.second["count"]) e.count = yaml_int(kv.second["count"], where + ": count");
    out.emplace(key, e);
  }
  return out;
}

LutFile read_lut_file(const fs::path& file) {
  return guard_yaml(file.string(), [&] { return read_lut_file_unguarded(file); });
}

void write_lut_file(const fs::path& file, const LutFile& table) {
  std::string s = "{\n";
  char buf[128];
  std::size_t i = 0;
  for (const auto& [key, e] : table) {
    s += " \"" + key + "\": {\n";
    std::snprintf(buf, sizeof buf, "  \"count\": %ld,\n  \"mean\": %.17g,\n  \"std\": %.17g\n }", e.count, e.mean, e.std);
    s += buf;
    s += (++i < table.size()) ? ",\n" : "\n";
  }
  s += "}\n";
  write_file_atomic(file, s);
}

}  // namespace ofa::common

namespace ofa::common {

std::filesystem::path calibration_path(const std::filesystem::path& folder) { return folder / "calibration.yaml"; }

static std::optional<LutCalibration> read_lut_calibration_unguarded(const std::filesystem::path& folder) {
  const auto file = calibration_path(folder);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  const YAML::Node n = load_yaml_file(file);
  const std::string where = file.string();
  if (!n.IsMap() || !n["format"] || n["format"].Scalar() != "ofa-calibration/1")
    throw Error(where + ": not an ofa-calibration/1 file");
  LutCalibration c;
  c.scale = yaml_double(n["scale"], where + ": key 'scale'");
  c.offset_ms = yaml_double(n["offset_ms"], where + ": key 'offset_ms'");
  if (!(c.scale > 0)) throw Error(where + ": scale = " + std::to_string(c.scale) + " must be positive");
  if (n["points"]) c.points = yaml_int(n["points"], where + ": key 'points'");
  if (n["mape_before"]) c.mape_before = yaml_double(n["mape_before"], where + ": key 'mape_before'");
  if (n["mape_after"]) c.mape_after = yaml_double(n["mape_after"], where + ": key 'mape_after'");
  if (n["spearman"]) c.spearman = yaml_double(n["spearman"], where + ": key 'spearman'");
  if (n["measured"]) c.measured = yaml_string(n["measured"], where + ": key 'measured'");
  c.file = where;
  return c;
}

std::optional<LutCalibration> read_lut_calibration(const std::filesystem::path& folder) {
  return guard_yaml(calibration_path(folder).string(), [&] { return read_lut_calibration_unguarded(folder); });
}

std::string format_calibration_key(const std::optional<LutCalibration>& c) {
  if (!c) return "null";
  char buf[128];
  std::snprintf(buf, sizeof buf, "{scale: %.17g, offset_ms: %.17g, ", c->scale, c->offset_ms);
  YAML::Emitter file, measured;
  file << YAML::DoubleQuoted << c->file;
  measured << YAML::DoubleQuoted << c->measured;
  return std::string(buf) + "file: " + file.c_str() + ", measured: " + measured.c_str() + "}";
}

std::optional<LutCalibration> parse_calibration_key(const YAML::Node& n, const std::string& where) {
  if (!n || n.IsNull()) return std::nullopt;
  const std::string w = where + ": key 'lut_calibration'";
  if (!n.IsMap()) throw Error(w + " must be null or a map {scale, offset_ms, file, measured}");
  check_yaml_keys(n, {"scale", "offset_ms", "file", "measured"}, w);
  LutCalibration c;
  c.scale = yaml_double(n["scale"], w + ".scale");
  c.offset_ms = yaml_double(n["offset_ms"], w + ".offset_ms");
  if (n["file"]) c.file = yaml_string(n["file"], w + ".file");
  if (n["measured"]) c.measured = yaml_string(n["measured"], w + ".measured");
  return c;
}

void write_lut_calibration(const std::filesystem::path& folder, const LutCalibration& c) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "format: ofa-calibration/1\n# latency_ms = scale * (sum of the table's layer means) + offset_ms\n"
                "scale: %.17g\noffset_ms: %.17g\npoints: %d\nmape_before: %.6g\nmape_after: %.6g\nspearman: %.6g\n",
                c.scale, c.offset_ms, c.points, c.mape_before, c.mape_after, c.spearman);
  YAML::Emitter e;
  e << YAML::DoubleQuoted << c.measured;
  write_file_atomic(calibration_path(folder), std::string(buf) + "measured: " + e.c_str() + "\n");
}

}  // namespace ofa::common
