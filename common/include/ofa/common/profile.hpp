// Device profiles (configs/*.yaml): space, predictor, latency table and search settings, read and checked.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ofa/common/search_space.hpp"

namespace ofa::common {

enum class Metric { Latency, Flops };
enum class Algorithm { Evolution, Nsga2, Exhaustive };

std::string to_string(Metric m);
std::string to_string(Algorithm a);
Metric parse_metric(const std::string& s);        // Error on an unknown name
Algorithm parse_algorithm(const std::string& s);  // Error on an unknown name

// The search settings of a profile (the `search:` section); flags may override them.
struct SearchSettings {
  Algorithm algorithm = Algorithm::Evolution;
  std::vector<double> constraints;  // efficiency limits (ms or MMACs), evolution only
  std::vector<int> resolutions;     // resolutions the search draws from; empty: all the profile's
  int population = 100;
  int generations = 500;
  double parent_ratio = 0.25;
  double mutation_ratio = 0.5;
  double mutate_prob = 0.1;
  std::uint64_t seed = 1;
  int threads = 0;  // 0: all cores
};

// Throws Error naming the setting at fault (population < 4, a ratio outside (0, 1], ...).
void validate(const SearchSettings& s, const std::string& where);

// "18,20,24" or "from:to:step" (inclusive of `to` within rounding), as the --constraints flag.
std::vector<double> parse_constraints(const std::string& text, const std::string& flag = "--constraints");
// Crop sizes in the same forms ("160,192" or "160:224:4"), each a whole number of pixels in 1..10000.
std::vector<int> parse_resolutions(const std::string& text, const std::string& flag = "--resolutions");
// Thread counts in the same forms ("1,2" or "1:4:1"), each a whole number in 1..kMaxThreads.
std::vector<int> parse_thread_counts(const std::string& text, const std::string& flag = "--thread-counts");

// A device profile (configs/*.yaml, documented in docs/profiles.md).
struct DeviceProfile {
  std::filesystem::path file;
  std::string name;
  std::string device;
  SearchSpace space;  // with `resolutions` narrowed to the profile's list when it has one
  bool elastic_kernel = false;
  std::optional<std::filesystem::path> predictor;  // accuracy predictor state_dict
  std::optional<std::filesystem::path> lut;        // latency look-up-table folder
  Metric metric = Metric::Latency;
  SearchSettings search;
};

// Parses and checks a profile. Paths written `data:REL` resolve in the data folder
// (resolve_data_dir(data_dir_flag), looked up only when such a path is present); other
// relative paths resolve against the profile's own folder. Unknown keys are errors.
DeviceProfile load_profile(const std::filesystem::path& file, const std::string& data_dir_flag = "");

}  // namespace ofa::common
