// `ofa-runtime infer`: the logits of one architecture for an input tensor file.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "ofa/runtime/measure/device_options.hpp"

namespace ofa::runtime {

// `ofa-runtime infer`: logits of one architecture for an input tensor file.
struct InferOptions {
  std::optional<std::filesystem::path> weights;  // supernet state_dict; random weights when absent
  std::filesystem::path arch;                    // a YAML file with one architecture
  std::optional<std::filesystem::path> bn;       // BN statistic overrides (dict name -> tensor)
  std::filesystem::path input;                   // float32 [N, 3, r, r], saved with torch.save
  std::filesystem::path out;                     // logits [N, classes], saved with torch.save
  std::string space = "ofa-mbv3-w1.2";
  DeviceOptions device{.engine = "optimized"};   // one engine (auto is for the measuring commands); no timing
  std::uint64_t seed = 0;                        // for random weights
};

// Returns a one-line summary for stderr ("weights: random" when no supernet was given).
std::string run_infer(const InferOptions& options);

}  // namespace ofa::runtime
