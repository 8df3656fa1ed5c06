// Latency look-up tables in OFA's layout (<r>_lookup_table.json or .yaml) and their calibration.yaml.
#pragma once
#include <filesystem>
#include <map>
#include <optional>

#include <yaml-cpp/yaml.h>
#include <string>

namespace ofa::common {

// One layer's entry in an OFA latency look-up table.
struct LutEntry {
  long count = 0;
  double mean = 0;  // ms
  double std = 0;   // ms
};

using LutFile = std::map<std::string, LutEntry>;

// `<folder>/<r>_lookup_table.json`, or `.yaml` / `.yml` when there is no JSON file.
std::optional<std::filesystem::path> find_lut_file(const std::filesystem::path& folder, int r);

// Reads one table file (JSON or YAML: key -> {count, mean, std}). Errors name the file
// and the key: a malformed file, an entry without a finite, non-negative mean.
LutFile read_lut_file(const std::filesystem::path& file);

// Writes the OFA JSON layout atomically.
void write_lut_file(const std::filesystem::path& file, const LutFile& table);

// A linear correction of a table's sums, fitted on re-measured networks
// (`ofa-measure calibrate`): latency = scale * sum + offset_ms. Stored as
// <folder>/calibration.yaml (format ofa-calibration/1).
struct LutCalibration {
  double scale = 1.0;
  double offset_ms = 0.0;
  int points = 0;
  double mape_before = 0, mape_after = 0, spearman = 0;
  std::string measured;  // the measured.yaml it was fitted on
  std::string file;      // the calibration.yaml it was read from ("" when not read from one)
};

std::filesystem::path calibration_path(const std::filesystem::path& folder);
std::optional<LutCalibration> read_lut_calibration(const std::filesystem::path& folder);
void write_lut_calibration(const std::filesystem::path& folder, const LutCalibration& c);

// How outputs that used a table record the calibration applied to it (key `lut_calibration`):
// `null`, or `{scale, offset_ms, file, measured}`. Files without the key read as null.
std::string format_calibration_key(const std::optional<LutCalibration>& c);
std::optional<LutCalibration> parse_calibration_key(const YAML::Node& node, const std::string& where);

}  // namespace ofa::common
