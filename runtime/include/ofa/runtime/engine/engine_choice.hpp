// --engine as given: one engine, or auto (each network on the fastest engine of this build, by measurement).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "ofa/runtime/engine/engine.hpp"

namespace ofa::runtime {

// What --engine asked for. `automatic`: every contender (auto_engines()) is timed on the device
// and the fastest kept, per network; otherwise `kind` alone.
struct EngineChoice {
  bool automatic = false;
  EngineKind kind = EngineKind::Optimized;

  // The engines to time: the one engine, or auto_engines().
  std::vector<EngineKind> engines() const;
  // Whether a timing has to choose (auto with more than one contender in this build).
  bool chooses() const { return engines().size() > 1; }
  // The name a file records for the whole run: "auto" when it chose per network, else the engine
  // (auto in a build with one contender is that engine, recorded by name).
  std::string recorded_name() const;
};

// "auto" or an engine name (parse_engine's rules and errors).
EngineChoice parse_engine_choice(const std::string& text);

// The engines auto chooses among in this build: optimized, and onnxruntime where built. The
// eager engine is the reference, never a contender (1.4x to 10x slower than optimized at
// batch 1 on every level measured, docs/performance.md).
std::vector<EngineKind> auto_engines();

// The index of the smallest median; ties go to the earlier engine (optimized before onnxruntime).
std::size_t fastest_engine(const std::vector<double>& medians_ms);

}  // namespace ofa::runtime
