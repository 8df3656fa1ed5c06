#include "ofa/runtime/measure/network_rounds.hpp"

#include <algorithm>

#include "ofa/common/error.hpp"
#include "ofa/runtime/measure/call_timing.hpp"

namespace ofa::runtime {

double time_network(const TimedNetwork& network, const torch::Device& device) {
  return time_one_call([&] { network.engine.forward(network.input); }, device);
}

RoundsResult time_networks(const std::vector<TimedNetwork>& networks, const torch::Device& device, const RoundsOptions& rounds) {
  torch::NoGradGuard no_grad;
  return measure_in_rounds(networks.size(), [&](std::size_t i) { return time_network(networks[i], device); }, rounds);
}

void time_in_chunks(std::size_t count, std::size_t chunk, const std::function<TimedNetwork(std::size_t)>& build, const torch::Device& device,
                    RoundsOptions rounds, const std::function<void(std::size_t first, const RoundsResult&)>& done,
                    const std::function<void(std::size_t first, std::size_t n, int round)>& on_round) {
  chunk = std::max<std::size_t>(chunk, 1);
  for (std::size_t first = 0; first < count; first += chunk) {
    rounds.cancel.check();
    const std::size_t n = std::min(chunk, count - first);
    std::vector<TimedNetwork> networks;
    networks.reserve(n);
    for (std::size_t k = 0; k < n; ++k) networks.push_back(build(first + k));
    if (on_round) rounds.on_round_done = [&](int r) { on_round(first, n, r); };
    done(first, time_networks(networks, device, rounds));
  }
}

}  // namespace ofa::runtime
