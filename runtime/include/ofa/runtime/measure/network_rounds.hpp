// The one measuring loop of `ofa-measure latency`, `lut` and `latency-model`: built networks timed in interleaved rounds.
#pragma once
#include <cstddef>
#include <functional>
#include <vector>

#include <torch/torch.h>

#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/measure/interleaved_rounds.hpp"

namespace ofa::runtime {

// A network (or one layer, for a per-layer table) built as the runtime runs it, with an input
// of its shape.
struct TimedNetwork {
  Engine engine;
  torch::Tensor input;
};

// Milliseconds of one forward of network `i`, CUDA synchronised: what every round times.
double time_network(const TimedNetwork& network, const torch::Device& device);

// Times every network once per round, in a shuffled order (interleaved_rounds.hpp).
RoundsResult time_networks(const std::vector<TimedNetwork>& networks, const torch::Device& device, const RoundsOptions& rounds);

// `count` items, `chunk` at a time: `build(i)` makes item i's network, each chunk's networks
// are timed together in rounds (so a slow spell slows them alike) and freed before the next
// chunk is built, and `done(first, result)` receives the chunk's results (items first..first+n-1)
// to store and checkpoint. `on_round(first, n, round)` reports progress. Between chunks the
// cancel flag in `rounds` is checked (Error("interrupted")).
void time_in_chunks(std::size_t count, std::size_t chunk, const std::function<TimedNetwork(std::size_t)>& build, const torch::Device& device,
                    RoundsOptions rounds, const std::function<void(std::size_t first, const RoundsResult&)>& done,
                    const std::function<void(std::size_t first, std::size_t n, int round)>& on_round = {});

}  // namespace ofa::runtime
