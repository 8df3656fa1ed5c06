// TorchScript freeze + optimize_for_inference, with the repairs LibTorch 1.13 and 2.x need.
#pragma once
#include <torch/script.h>

namespace ofa::runtime {

// `module` frozen and optimised for inference on `device`, as torch.jit.freeze followed by
// torch.jit.optimize_for_inference do (on CPU: BN folding, oneDNN convolutions with weights
// reordered once, ReLU and additions fused into them), then repaired where LibTorch's own
// pass is wrong: see repair_mkldnn_unary_ops. The input module is left unchanged.
torch::jit::Module optimize_for_inference(const torch::jit::Module& module, const torch::Device& device);

// LibTorch 1.13's inference pass runs element-wise ops on oneDNN tensors (prim::MKLDNNHardSwish,
// MKLDNNHardSigmoid, MKLDNNHardTanh, MKLDNNClamp, MKLDNNScalarMul and their in-place forms) over
// the tensor's logical element count, while oneDNN's blocked layouts pad the channels to a
// multiple of 8 or 16: with 24 or 144 channels on an AVX-512 machine they leave part of the
// tensor unprocessed and the logits off by units (later LibTorch counts the physical size).
// This rewrites each such node as to_dense -> the aten op -> to_mkldnn, which is right on
// every version; in our networks they only touch SE vectors (1x1 spatial), so it costs
// nothing measurable. Returns the number of nodes rewritten.
int repair_mkldnn_unary_ops(const std::shared_ptr<torch::jit::Graph>& graph);

// Runs an optimised module's forward on one tensor without autograd and without the graph
// executor's own optimiser: the graph is final already, and LibTorch 2.x's profiling executor
// would otherwise compile TensorExpr/LLVM fusion kernels on the first calls (minutes for one
// network on 2 cores) and run its profiling passes in the frames a runtime times. The switch
// is LibTorch's process-wide one, restored on return.
torch::Tensor run_module(torch::jit::Module& module, const torch::Tensor& input);

// Whether this LibTorch has oneDNN Graph fusion (LLGA) for TorchScript: LibTorch 2.x built
// with oneDNN (Debian 13's); Debian 12's LibTorch 1.13 does not export the pass.
bool llga_available();

// `module` frozen on `device` for oneDNN Graph fusion: no optimize_for_inference (LLGA takes
// the plain frozen graph and fuses convolutions with their activations, additions and
// multiplications into oneDNN partitions itself). Registers LibTorch's LLGA pre-pass the first
// time (process-wide; only graphs run by run_llga_module pass through the executor's optimiser,
// run_module turns it off). Error where llga_available() is false.
torch::jit::Module freeze_for_llga(const torch::jit::Module& module, const torch::Device& device);

// Runs a module from freeze_for_llga with the graph executor's optimiser on, as LLGA needs (the
// profiling executor fuses on the first calls, then reuses the fused graph), without autograd.
torch::Tensor run_llga_module(torch::jit::Module& module, const torch::Tensor& input);

}  // namespace ofa::runtime
