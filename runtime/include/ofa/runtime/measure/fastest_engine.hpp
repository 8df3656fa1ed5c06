// --engine auto on the device: each network timed on every contender in the same interleaved rounds, the fastest kept.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/measure/interleaved_rounds.hpp"

namespace ofa::runtime {

// The index of the smallest median; ties go to the earlier engine (in auto_engines() order).
std::size_t fastest_engine(const std::vector<double>& medians_ms);

// One network's result under the engine kept for it.
struct EngineTiming {
  EngineKind engine = EngineKind::Optimized;
  common::TimingStats stats;
  std::vector<double> round_medians;
  std::vector<double> medians_ms;  // every engine's median, in `engines` order
};

// Rounds over networks x engines, item n * engines.size() + e being network n on engines[e]
// (so every engine of a network is timed in the same rounds as the others): per network the
// engine with the smallest median (fastest_engine), its statistics and every engine's median.
std::vector<EngineTiming> keep_fastest(const RoundsResult& result, const std::vector<EngineKind>& engines);

// A line naming each network's engine and the ratio to the other, for the commands' summaries:
// "engines: onnxruntime x4 (0.61-0.95 of optimized), optimized x2 (0.91-0.98 of onnxruntime)".
std::string describe_engine_choices(const std::vector<EngineTiming>& timings, const std::vector<EngineKind>& engines);

// For a table (lut, latency-model), built on one engine: the engine whose geometric mean of
// medians over the networks timed is smallest, and that mean per engine.
struct TableEngine {
  EngineKind engine = EngineKind::Optimized;
  std::vector<double> geomean_ms;  // in `engines` order
};
TableEngine table_engine(const RoundsResult& result, const std::vector<EngineKind>& engines);

// Whole networks the probe before a table times on every engine.
constexpr int kTableProbeNetworks = 4;

// The probe auto runs before a table: `networks` random architectures of `space` (seeded, at
// `resolutions` in turn, random weights) built on every engine of `engines` and timed in
// `rounds` (interleaved, every engine of a network in the same rounds); table_engine of the
// result. One engine: that engine, nothing timed.
TableEngine probe_table_engine(const common::SearchSpace& space, const std::vector<int>& resolutions, const std::vector<EngineKind>& engines,
                               OrtProvider provider, const torch::Device& device, int networks, const RoundsOptions& rounds);

// "auto chose onnxruntime (4 whole networks timed, geometric mean: optimized 6.317 ms, onnxruntime 3.538 ms)".
std::string describe_table_engine(const TableEngine& choice, const std::vector<EngineKind>& engines, int networks);

}  // namespace ofa::runtime
