// The supernet and BN files a library's levels are built from, resolved from the library's folder.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>

#include "ofa/runtime/adaptive/built_levels.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/common/library_file.hpp"

namespace ofa::runtime {

// The supernet a library's levels come from: `weights` when given, else the library's
// `weights` file unless it is "random", else a seeded random supernet. Errors name the
// library file and key.
Supernet library_supernet(const common::LibraryFile& library, const std::filesystem::path& library_path,
                          const std::optional<std::filesystem::path>& weights, std::uint64_t seed);

// Level `index` of a library as a subnet of `supernet`, its BN file (relative to
// `library_dir`) applied, sliced through `slicer`. Errors name the level and its architecture.
Subnet level_subnet(const common::LibraryFile& library, std::size_t index, const std::filesystem::path& library_dir,
                    const Supernet& supernet, WeightSlicer& slicer);

// The engine level `index` was measured on: its own `engine` in a library measured with auto,
// else the library's. Error naming the level when this build lacks that engine (ONNX Runtime
// on Debian 12): a level's latencies belong to the engine that was timed, so running another
// is the user's explicit choice (--engine), never a silent fallback.
// `where` (the library's file) prefixes the error.
EngineKind library_engine(const common::LibraryFile& library, std::size_t index, const std::string& where = "the library");

// The engine level `index` is served on here: library_engine, unless that engine failed its check
// on this machine (engine_verdicts.hpp); then the next right engine (optimized, onnxruntime,
// llga, eager), with a note in `note` saying which and why. Error when none is right.
EngineKind serving_engine(const common::LibraryFile& library, std::size_t index, const torch::Device& device, OrtProvider provider,
                          std::string* note = nullptr, const std::string& where = "the library");

// The library as served at `precision` (fp32 | int8; nullopt: each level at its own): a level
// measured at another precision is Error (its latency and accuracy are that precision's)
// unless `convert`, which serves an int8 level of a library as its fp32 network. An fp32 level
// has no int8 calibration to convert with, nor a bundle's level (its file is what it is): Error.
common::LibraryFile served_at_precision(common::LibraryFile library, const std::optional<std::string>& precision, bool convert, bool bundle);

// Level `index` (an int8 level) as its QDQ model: `net` (level_subnet's) quantized with the
// ranges of the level's calibration file (relative to `library_dir`). Errors name the level.
std::string level_int8_model(const common::LibraryFile& library, std::size_t index, const std::filesystem::path& library_dir, const Subnet& net,
                             std::int64_t batch = 0);

// Level `index` (an int8 level) on ONNX Runtime: its QDQ model from `net`. Error naming the
// level when `forced` is another engine or this build has no ONNX Runtime.
Engine int8_level_engine(const common::LibraryFile& library, std::size_t index, const std::filesystem::path& library_dir, const Subnet& net,
                         const std::optional<EngineKind>& forced, const torch::Device& device, OrtProvider provider);

// Every level of a library built from `supernet` on `device` (each level on `forced` when given,
// else on serving_engine's choice; int8 levels on ONNX Runtime, their QDQ model); optimized levels copy what they need, so the supernet is
// released when this returns. Errors name the level and the engine.
BuiltLevels build_library_levels(const common::LibraryFile& library, const std::filesystem::path& library_dir, Supernet supernet,
                                 const std::optional<EngineKind>& forced, const torch::Device& device, OrtProvider provider);

}  // namespace ofa::runtime
