// candidates.yaml and candidates.csv (ofa-candidates/1): a search's predicted front, written and read.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/engine_names.hpp"
#include "ofa/common/yaml_values.hpp"
#include "ofa/common/lut_file.hpp"

namespace ofa::common {

// One row of candidates.yaml / candidates.csv (format ofa-candidates/1, docs/formats.md).
struct CandidateRow {
  int id = 0;
  std::optional<double> constraint;    // evolution only
  double predicted_accuracy = 0;
  std::optional<double> latency_ms;    // when the profile has a LUT
  double macs_m = 0;
  double params_m = 0;
  bool on_front = false;
  common::ArchConfig arch;
};

struct CandidatesFile {
  std::string profile;       // the profile file as given
  std::string profile_name;
  std::string device;
  std::string space;
  bool elastic_kernel = false;
  std::string metric;        // latency | flops
  std::string unit;          // ms | MMACs
  std::string predictor;     // path, "" when none
  std::string lut;           // path, "" when none
  std::optional<LutCalibration> lut_calibration;  // the table's calibration.yaml, when one was applied
  std::string algorithm;
  std::uint64_t seed = 0;
  int population = 0, generations = 0, keep = 0;
  double parent_ratio = 0, mutation_ratio = 0, mutate_prob = 0;
  std::vector<double> constraints;
  std::vector<int> resolutions;  // the resolutions the search drew from
  std::vector<CandidateRow> candidates;
};

std::string format_candidates_yaml(const CandidatesFile& file);

// One row's fields as YAML lines (each starting with `indent`, the first with `first`), and
// back: shared with measured.yaml, whose rows carry the candidate's fields.
std::string format_candidate_fields(const CandidateRow& row, const std::string& first, const std::string& indent);
CandidateRow parse_candidate_fields(const YAML::Node& node, const std::string& where);

// The space a file's `space` and `elastic_kernel` keys name; Error naming the file otherwise.
common::SearchSpace file_space(const std::string& name, bool elastic_kernel, const std::string& where);
// Error "<where> (id N): <what is out of the space>" unless the row's architecture is in `space`.
void check_row_arch(const common::SearchSpace& space, const CandidateRow& row, const std::string& where);
std::string format_candidates_csv(const CandidatesFile& file);

// Reads candidates.yaml; errors name the file, the candidate and the key.
CandidatesFile read_candidates(const std::filesystem::path& file);

}  // namespace ofa::common
