// Architectures with a measured accuracy: a mapping name -> {ks, e, d, r, accuracy}, read and written.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/search_space.hpp"

namespace ofa::common {

// One architecture and its top-1 accuracy as a fraction in [0, 1].
struct LabelledArch {
  std::string name;
  ArchConfig arch;
  double accuracy = 0;
};

// An architecture file (docs/formats.md, "Architectures with accuracy") whose every entry
// carries `accuracy`: what `ofa-search train-predictor --data` reads besides measured files.
// Each architecture is validated against `space`; an entry without `accuracy`, or with one
// outside [0, 1], is an error naming the file and the entry.
std::vector<LabelledArch> read_labelled_archs(const std::filesystem::path& file, const SearchSpace& space);

// The same file: name -> {accuracy, ks, e, d, r}; accuracies written so they read back exactly.
std::string format_labelled_archs_yaml(const std::vector<LabelledArch>& archs);

}  // namespace ofa::common
