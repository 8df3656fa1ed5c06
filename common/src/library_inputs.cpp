#include "ofa/common/library_inputs.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/state_dict_file.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

namespace {

// A file a level or row names (relative to `dir` unless absolute), as an input; none when "".
void add_named_file(std::vector<NamedInput>& inputs, const std::string& what, const std::string& file, const fs::path& dir) {
  if (file.empty()) return;
  const fs::path f(file);
  inputs.push_back({what, dir / f});  // an absolute f stays itself
}

}  // namespace

std::vector<NamedInput> library_inputs(const LibraryFile& lib, const fs::path& library_file, const std::optional<fs::path>& weights) {
  std::vector<NamedInput> inputs{{"the library", library_file}};
  if (weights) inputs.push_back({"--weights", *weights});
  else if (const fs::path w = weights_path(lib, library_file); !w.empty()) inputs.push_back({"the library's weights", w});
  for (std::size_t i = 0; i < lib.levels.size(); ++i) {
    const std::string level = "level " + std::to_string(i) + "'s ";
    add_named_file(inputs, level + "BN file", lib.levels[i].bn, library_file.parent_path());
    add_named_file(inputs, level + "int8 calibration", lib.levels[i].precision.int8, library_file.parent_path());
  }
  return inputs;
}

std::vector<NamedInput> measured_inputs(const MeasuredFile& m, const fs::path& measured_file) {
  std::vector<NamedInput> inputs;
  if (m.weights != "random") inputs.push_back({"the measured file's weights", m.weights});
  for (const MeasuredRow& r : m.rows) {
    const std::string row = "candidate " + std::to_string(r.candidate.id) + "'s ";
    add_named_file(inputs, row + "BN file", r.bn, measured_file.parent_path());
    add_named_file(inputs, row + "int8 calibration", r.precision.int8, measured_file.parent_path());
  }
  return inputs;
}

void check_bn_file(const fs::path& file, const std::string& what) {
  const SavedStateDict d = read_state_dict(file);
  if (d.empty()) throw Error(what + " " + file.string() + ": holds no tensors, not a BN file");
  for (const auto& [key, tensor] : d) {
    const bool mean = key.ends_with(".running_mean"), var = key.ends_with(".running_var");
    if (!mean && !var)
      throw Error(what + " " + file.string() + ": key '" + key + "' is not a BatchNorm statistic (.running_mean or .running_var): not a BN file");
    if (tensor.sizes.size() != 1) throw Error(what + " " + file.string() + ": '" + key + "' is " + tensor.describe() + ", not 1-D");
    const std::string twin = key.substr(0, key.rfind('.')) + (mean ? ".running_var" : ".running_mean");
    if (!d.count(twin)) throw Error(what + " " + file.string() + ": '" + key + "' has no '" + twin + "'");
  }
}

}  // namespace ofa::common
