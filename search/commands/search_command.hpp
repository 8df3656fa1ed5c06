// `ofa-search`: the predicted Pareto front of a profile's space, written as candidates.
#pragma once
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ofa/common/profile.hpp"
#include "ofa/common/reporter.hpp"
#include "ofa/common/candidates_file.hpp"
#include "ofa/search/search_algorithm.hpp"

namespace ofa::search {

// `ofa-search --profile P --out DIR`: flags override the profile's search settings.
struct SearchOptions {
  std::filesystem::path profile;
  std::filesystem::path out_dir;
  std::string data_dir;
  std::optional<common::Algorithm> algorithm;
  std::optional<std::vector<double>> constraints;
  std::optional<int> population, generations, threads;
  int keep = 5;  // evolution: best distinct architectures kept per constraint
  std::optional<std::uint64_t> seed;
};

struct SearchReport {
  common::CandidatesFile file;
  SearchStats stats;
  double seconds = 0;  // search time, loading excluded
};

// The profile's settings with the flags applied and checked (Error names the setting).
common::SearchSettings effective_settings(const common::DeviceProfile& profile, const SearchOptions& options);

// Runs the search and writes DIR/candidates.yaml and DIR/candidates.csv (atomically, only
// when the search completes); progress and notes go to `reporter`. The tool prints
// format_front_table(report.file).
SearchReport run_search(const SearchOptions& options, const common::Reporter& reporter = {});

// Candidates in rows: reported fields from the Evaluator, on_front over all rows.
common::CandidatesFile make_candidates_file(const common::DeviceProfile& profile, const common::SearchSettings& settings,
                                    int keep, const Evaluator& evaluator, const std::vector<Candidate>& found);

std::string format_front_table(const common::CandidatesFile& file);

}  // namespace ofa::search
