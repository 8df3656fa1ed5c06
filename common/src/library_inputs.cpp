#include "ofa/common/library_inputs.hpp"

#include "ofa/common/cli/output_checks.hpp"
#include "ofa/common/error.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

namespace {

fs::path resolved(const fs::path& p) {
  std::error_code ec;
  const fs::path r = fs::weakly_canonical(fs::absolute(p), ec);
  return ec ? fs::absolute(p).lexically_normal() : r;
}

}  // namespace

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

void check_output_spares_inputs(const std::string& flag, const fs::path& out, const std::vector<NamedInput>& inputs) {
  const fs::path o = resolved(out);
  for (const NamedInput& in : inputs) {
    std::error_code ec;
    const bool same = fs::exists(out, ec) && fs::exists(in.path, ec) ? fs::equivalent(out, in.path, ec) : o == resolved(in.path);
    if (same) throw Error(flag + " " + out.string() + " is " + in.what + " (" + in.path.string() + "), an input; choose another " + flag);
  }
}

void check_folder_spares_inputs(const std::string& flag, const fs::path& out, const std::vector<NamedInput>& inputs) {
  for (const NamedInput& in : inputs)
    if (cli::path_within(resolved(in.path), resolved(out)))
      throw Error(flag + " " + out.string() + ": holds " + in.what + " (" + in.path.string() +
                  "); an output folder is replaced whole, so it must not hold an input");
}

}  // namespace ofa::common
