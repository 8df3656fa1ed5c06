#include "ofa/common/library_inputs.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

std::vector<NamedInput> library_inputs(const LibraryFile& lib, const fs::path& library_file, const std::optional<fs::path>& weights) {
  std::vector<NamedInput> inputs{{"the library", library_file}};
  if (weights) inputs.push_back({"--weights", *weights});
  else if (const fs::path w = weights_path(lib, library_file); !w.empty()) inputs.push_back({"the library's weights", w});
  for (std::size_t i = 0; i < lib.levels.size(); ++i)
    if (!lib.levels[i].bn.empty()) {
      const fs::path bn(lib.levels[i].bn);
      inputs.push_back({"level " + std::to_string(i) + "'s BN file", bn.is_absolute() ? bn : library_file.parent_path() / bn});
    }
  return inputs;
}

}  // namespace ofa::common
