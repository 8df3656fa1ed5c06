// A subnet as an ONNX model, built with ONNX's own protobuf classes from the layer enumeration.
#pragma once
#include <cstdint>
#include <string>

#include "ofa/runtime/engine/subnet.hpp"

namespace ofa::runtime {

// The opset the exported models declare: 14 is the first with HardSwish, OFA's activation.
constexpr int kOnnxOpset = 14;

// Whether this build has ONNX's protobuf classes (Debian's libonnx-dev, found at configure time).
bool onnx_export_available();

// `net` (its BN already applied) as a serialised ONNX ModelProto: BatchNorm folded into the
// convolutions, input "input" float32 [batch, 3, r, r], output "logits" float32 [batch, classes],
// batch 0 a symbolic "batch" dimension (the ONNX Runtime engine's model). A subnet of one layer
// (per-layer tables) takes that layer's input [batch, c, hw, hw] ([batch, c] for the
// classifier) and gives "output";
// every weight an initializer; the graph (Conv, Relu, HardSwish, HardSigmoid,
// GlobalAveragePool, Mul, Add, Flatten, Gemm) mirrors script_subnet's op for op, and the model
// passes onnx::checker before it is returned. Error when this build has no ONNX.
std::string onnx_subnet_bytes(const Subnet& net, std::int64_t batch = 1);

}  // namespace ofa::runtime
