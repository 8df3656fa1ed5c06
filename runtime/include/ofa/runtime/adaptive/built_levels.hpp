// A network's levels built and ready to serve, from a library and its supernet or from a bundle.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ofa/runtime/engine/engine.hpp"

namespace ofa::runtime {

struct BuiltLevels {
  std::vector<Engine> engines;   // fastest first, as the library or bundle lists them
  std::int64_t shared_bytes = 0; // weights the levels share (one head for all, EngineCache)
  std::vector<std::string> notes;  // levels served on another engine than recorded, one line each
  std::string weights_source;    // where the weights came from: the supernet file, "random (seed N)", or the bundle
};

}  // namespace ofa::runtime
