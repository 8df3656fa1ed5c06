// A level as one self-contained TorchScript file: what a bundle holds for a level served on a TorchScript engine.
#pragma once
#include <cstddef>
#include <string>

#include <torch/script.h>

#include "ofa/runtime/engine/subnet.hpp"

namespace ofa::runtime {

// Where a whole network's head starts (the feature mix, then the classifier): the engines
// build it as a module of its own, which levels cut from one supernet share. 0 when there is none.
std::size_t head_layer(const Subnet& net);

// The subnet, BatchNorm folded (script_layers), as a module holding two submodules, `body`
// (the layers before the head) and `head` (feature mix and classifier), with
// `forward(x) = head(body(x))` and the string attributes `ofa_arch` and `ofa_weights`. Saved
// with Module::save it loads anywhere LibTorch runs (torch.jit.load too), and the runtime builds
// the same two modules from it that it builds from the supernet, so a level from a bundle is
// the engine it was measured as. Error for a net without a head.
torch::jit::Module level_module(const Subnet& net);

struct LevelModuleParts {
  torch::jit::Module body, head;
  std::string arch;  // its `ofa_arch`
};
// The parts of a loaded level module; Error (prefixed by `where`) when it is not one.
LevelModuleParts level_module_parts(const torch::jit::Module& level, const std::string& where);

}  // namespace ofa::runtime
