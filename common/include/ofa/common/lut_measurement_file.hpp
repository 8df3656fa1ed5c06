// measurement.yaml beside a per-layer table (format ofa-lut-measurement/1): how its layers were timed and the machine's noise then.
#pragma once
#include <filesystem>
#include <map>
#include <string>

namespace ofa::common {

// The half-split agreement of one resolution's layer medians (first half of the rounds
// against the second): the retest floor a table cannot beat.
struct LayerNoise {
  double spearman = 0;
  double mape = 0;  // %
  int layers = 0;
};

struct LutMeasurement {
  int rounds = 0;
  int calls_per_round = 0;
  std::string engine;               // the engine the layers ran on ("" in files before the key)
  std::map<int, LayerNoise> noise;  // by resolution
};

std::string format_lut_measurement_yaml(const LutMeasurement& m);
// Error naming the file and key when a key is missing, unknown, repeated or of the wrong kind.
LutMeasurement read_lut_measurement(const std::filesystem::path& file);

}  // namespace ofa::common
