// `ofa-search pareto`: the runtime's library from a measured file (the measured front, thinned to K levels).
#pragma once
#include <filesystem>
#include <string>

#include "ofa/search/library_builder.hpp"

namespace ofa::search {

struct ParetoOptions {
  std::filesystem::path measured;
  std::filesystem::path out;
  int levels = 0;
  AccuracySource accuracy = AccuracySource::Predicted;
  std::filesystem::path plot;  // --plot: an SVG of the candidates, the front and the levels ("" for none)
};

// `ofa-search pareto`: reads measured.yaml, writes library.yaml atomically; returns the table
// it prints.
std::string run_pareto(const ParetoOptions& options);

}  // namespace ofa::search
