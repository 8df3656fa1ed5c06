// Flags several runtime commands share, bound once: the device ones and the candidate selection.
#pragma once
#include <string_view>
#include <vector>

#include "ofa/cli/command.hpp"
#include "ofa/common/engine_names.hpp"
#include "ofa/runtime/measure/device_options.hpp"
#include "ofa/search/candidate_selection.hpp"

namespace ofa::tools {

template <class Options>
std::vector<cli::Flag<Options>> joined(std::vector<cli::Flag<Options>> a, std::vector<cli::Flag<Options>> b) {
  for (cli::Flag<Options>& f : b) a.push_back(std::move(f));
  return a;
}

// The engines a command that runs (rather than measures) networks takes: auto chooses by timing.
inline const std::vector<std::string_view> kRunEngines(common::kEngineNames.begin(), common::kEngineNames.end());

// --device, --engine, --ort-provider, --threads, --allow-tf32 (and with `timing`, --warmup and
// --repeats) filling the DeviceOptions `device(options)` returns; --quiet for the driver. Without
// `timing` the command runs networks without timing them: --engine takes kRunEngines.
template <class Options, class Get>
std::vector<cli::Flag<Options>> device_flags(Get device, bool timing) {
  using O = cli::CommandOption;
  const O engine = timing ? O{"--engine"} : O{"--engine", {}, {}, "auto is for the measuring commands", kRunEngines};
  std::vector<cli::Flag<Options>> f = {
      cli::bind_at<Options>(O{"--device"}, [device](Options& o) -> auto& { return device(o).device; }),
      cli::bind_at<Options>(engine, [device](Options& o) -> auto& { return device(o).engine; }),
      cli::bind_at<Options>(O{"--ort-provider"}, [device](Options& o) -> auto& { return device(o).ort_provider; }),
      cli::bind_at<Options>(O{"--threads", {}, "LibTorch's"},
                            [device](Options& o) -> auto& { return device(o).threads; }),
      cli::bind_at<Options>(O{"--allow-tf32"}, [device](Options& o) -> auto& { return device(o).allow_tf32; }),
      cli::driver_flag<Options>(O{"--quiet"})};
  if (timing) {
    f.push_back(cli::bind_at<Options>(O{"--warmup"}, [device](Options& o) -> auto& { return device(o).warmup; }));
    f.push_back(cli::bind_at<Options>(O{"--repeats"}, [device](Options& o) -> auto& { return device(o).repeats; }));
  }
  return f;
}

// --only-front, --top and --spread (with the command's note on what --spread spreads over).
template <class Options, class Get>
std::vector<cli::Flag<Options>> selection_flags(Get selection, std::string_view spread_note) {
  using O = cli::CommandOption;
  return {cli::bind_at<Options>(O{"--only-front"}, [selection](Options& o) -> auto& { return selection(o).only_front; }),
          cli::bind_at<Options>(O{"--top"}, [selection](Options& o) -> auto& { return selection(o).top; }),
          cli::bind_at<Options>(O{"--spread", {}, {}, spread_note}, [selection](Options& o) -> auto& { return selection(o).spread; })};
}

}  // namespace ofa::tools
