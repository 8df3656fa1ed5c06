#include "ofa/search/predictor_loader.hpp"

#include <regex>
#include <set>

#include "ofa/common/error.hpp"
#include "ofa/common/state_dict_file.hpp"

namespace ofa::search {

using common::Error;

MlpWeights load_mlp_weights(const std::filesystem::path& file) {
  const common::SavedStateDict dict = common::read_state_dict(file);
  const std::string where = file.string();
  static const std::regex kKey(R"((\d+)\.(weight|bias))");
  std::set<int> indices;
  for (const auto& [key, _] : dict) {
    std::smatch m;
    if (!std::regex_match(key, m, kKey)) throw Error(where + ": unexpected key '" + key + "' (expected N.weight / N.bias)");
    indices.insert(std::stoi(m[1]));
  }
  if (indices.empty()) throw Error(where + ": no linear layers");
  MlpWeights w;
  w.source = where;
  for (int i : indices) {
    const std::string wk = std::to_string(i) + ".weight", bk = std::to_string(i) + ".bias";
    const common::SavedTensor& weight = common::require(dict, wk, where);
    const common::SavedTensor& bias = common::require(dict, bk, where);
    if (!common::is_floating(weight.dtype) || !common::is_floating(bias.dtype))
      throw Error(where + ": layer " + std::to_string(i) + " holds " + weight.describe() + " / " + bias.describe() + ", not floating point");
    if (weight.sizes.size() != 2) throw Error(where + ": key '" + wk + "' has shape " + weight.describe() + ", expected 2 dimensions");
    if (bias.sizes.size() != 1 || bias.sizes[0] != weight.sizes[0])
      throw Error(where + ": key '" + bk + "' has shape " + bias.describe() + ", expected [" + std::to_string(weight.sizes[0]) + "]");
    if (!w.layers.empty() && weight.sizes[1] != w.layers.back().out)
      throw Error(where + ": key '" + wk + "' has shape " + weight.describe() + " but the previous layer has " +
                  std::to_string(w.layers.back().out) + " outputs");
    if (weight.sizes[0] > 1 << 20 || weight.sizes[1] > 1 << 20) throw Error(where + ": key '" + wk + "' is implausibly large: " + weight.describe());
    DenseLayer l;
    l.out = static_cast<int>(weight.sizes[0]);
    l.in = static_cast<int>(weight.sizes[1]);
    l.weight = weight.to_float();
    l.bias = bias.to_float();
    w.layers.push_back(std::move(l));
  }
  return w;
}

AccuracyPredictor load_predictor(const std::filesystem::path& file) { return AccuracyPredictor(load_mlp_weights(file)); }

}  // namespace ofa::search
