// A small search's candidates: what the measuring commands' tests measure.
#pragma once
#include <filesystem>
#include <vector>

#include "search/commands/search_command.hpp"
#include "test_support.hpp"

namespace ofa::test {

// Two constraints of the Xavier NX GPU profile, 8 x 3 generations, written into `dir`/run.
inline std::filesystem::path small_candidates(const TempDir& dir) {
  search::SearchOptions o;
  o.profile = source_dir() / "configs/jetson-xavier-nx-gpu.yaml";
  o.out_dir = dir / "run";
  o.constraints = std::vector<double>{18, 24};
  o.population = 8;
  o.generations = 3;
  o.keep = 2;
  search::run_search(o);
  return dir / "run/candidates.yaml";
}

}  // namespace ofa::test
