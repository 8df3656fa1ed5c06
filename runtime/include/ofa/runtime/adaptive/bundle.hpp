// A bundle: the folder `ofa-runtime export` writes, all a device needs to serve a library's levels.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "ofa/common/export_file.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/runtime/adaptive/built_levels.hpp"
#include "ofa/runtime/engine/engine.hpp"

namespace ofa::runtime {

// export.yaml and one self-contained file per level (TorchScript, or ONNX for levels measured
// on ONNX Runtime), paths relative to the folder, so it can be moved or copied to a device: no
// supernet, no library, no BN files, no search code (docs/deploy.md).
struct Bundle {
  std::filesystem::path dir;
  common::ExportManifest manifest;
};

// Reads and checks `dir`/export.yaml. Errors name the folder or the file and the key.
Bundle read_bundle(const std::filesystem::path& dir);

// Level `index`'s file, read whole and checked against the manifest (its size and SHA-256), so
// a truncated, damaged or swapped file is refused naming it.
std::string read_bundle_level(const Bundle& bundle, std::size_t index);

// The bundle as the library it came from: its setup, and per level the architecture, accuracy,
// latencies and engine. What the policy, `run`'s reports and the engine checks read.
common::LibraryFile bundle_library(const Bundle& bundle);

// The engine level `index` is served on: `forced` when given (Error when it cannot run the
// level's file), else the one recorded for it unless that engine failed its check on this
// machine; then, for a TorchScript level, the next right TorchScript engine, with a note.
EngineKind bundle_level_engine(const Bundle& bundle, std::size_t index, const std::optional<EngineKind>& forced, const torch::Device& device,
                               OrtProvider provider, std::string* note);

// Every level of the bundle built for serving (the levels' heads shared through one cache),
// with the notes of levels served on another engine than recorded.
BuiltLevels build_bundle_levels(const Bundle& bundle, const std::optional<EngineKind>& forced, const torch::Device& device,
                                OrtProvider provider);

}  // namespace ofa::runtime
