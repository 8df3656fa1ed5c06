// A subnet written as a TorchScript module with BN folded: what the optimized engine freezes.
#pragma once
#include <string>

#include <torch/script.h>

#include "ofa/runtime/engine/subnet.hpp"

namespace ofa::runtime {

// How the module writes BatchNorm and the activations.
//  - Folded: BN folded into the convolutions' weights and biases, h-swish and h-sigmoid as
//    aten::hardswish / hardsigmoid: what the optimized engine runs and `export` writes.
//  - Literal: OFA's eager network op for op (batch_norm ops, x * relu6(x + 3) / 6): what
//    tracing OFA's PyTorch module gives, the reference for PyTorch's own freeze and
//    optimize_for_inference in bench-engine.
enum class ScriptForm { Folded, Literal };

// A subnet as a TorchScript module: by default BatchNorm folded into the convolutions,
// every weight a registered parameter, `forward` straight-line TorchScript over aten ops that
// LibTorch's freezing and inference passes know (conv2d, relu, hardswish, hardsigmoid, add, mul,
// mean, linear). The module is in eval mode, self-contained (no Python needed to load
// it), and computes the same function as Subnet::forward up to float rounding. Its string
// attribute `ofa_arch` holds the architecture, `ofa_weights` where the weights came from.
// Works for whole networks and for single layers (single_layer), whose input is the layer's.
torch::jit::Module script_subnet(const Subnet& net, ScriptForm form = ScriptForm::Folded);
// Layers [begin, end) of the net alone: forward takes layer `begin`'s input.
torch::jit::Module script_layers(const Subnet& net, std::size_t begin, std::size_t end, ScriptForm form = ScriptForm::Folded);

// The TorchScript source of `forward` for the net's layers (what script_subnet defines).
std::string subnet_script_source(const std::vector<common::LayerSpec>& layers, ScriptForm form = ScriptForm::Folded,
                                 std::size_t begin = 0, std::size_t end = static_cast<std::size_t>(-1));

}  // namespace ofa::runtime
