#include "ofa/runtime/engine/inference_optimization.hpp"

#include <string>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/version.h>
#if TORCH_VERSION_MAJOR >= 2
#include <torch/csrc/jit/passes/onednn_graph_fuser.h>
#endif

#include "ofa/common/error.hpp"

namespace ofa::runtime {

using torch::jit::Node;
using torch::jit::Value;

torch::jit::Module optimize_for_inference(const torch::jit::Module& module, const torch::Device& device) {
  torch::NoGradGuard no_grad;
  torch::jit::Module copy = module.clone();
  copy.to(device);
  copy.eval();
  // The frozen module must not run before the inference pass: its executor would keep the
  // graph it first compiled and never see the pass's rewrite.
  torch::jit::Module frozen = torch::jit::freeze(copy);
  torch::jit::Module optimized = torch::jit::optimize_for_inference(frozen);
  const auto graph = optimized.get_method("forward").graph();
  repair_mkldnn_unary_ops(graph);
  // The passes leave constants they replaced in the graph (the classifier's weight beside
  // its transposed copy): dropping them frees that memory.
  torch::jit::EliminateDeadCode(graph);
  return optimized;
}

torch::Tensor run_module(torch::jit::Module& module, const torch::Tensor& input) {
  torch::NoGradGuard no_grad;
  torch::jit::GraphOptimizerEnabledGuard no_executor_optimizer(false);
  return module.forward({input}).toTensor();
}

int repair_mkldnn_unary_ops(const std::shared_ptr<torch::jit::Graph>& graph) {
  // Each node with its kind, the in-place suffix dropped.
  std::vector<std::pair<Node*, std::string>> broken;
  for (Node* n : graph->nodes()) {
    std::string kind = n->kind().toQualString();
    if (!kind.empty() && kind.back() == '_') kind.pop_back();
    if (kind == "prim::MKLDNNHardSwish" || kind == "prim::MKLDNNHardSigmoid" || kind == "prim::MKLDNNHardTanh" ||
        kind == "prim::MKLDNNClamp" || kind == "prim::MKLDNNScalarMul")
      broken.emplace_back(n, std::move(kind));
  }
  for (const auto& [n, kind] : broken) {
    torch::jit::WithInsertPoint guard(n);
    Value* dense = graph->insert(c10::aten::to_dense, {n->input(0)});
    Value* out = nullptr;
    if (kind == "prim::MKLDNNHardSwish") {
      out = graph->insert(c10::aten::hardswish, {dense});
    } else if (kind == "prim::MKLDNNHardSigmoid") {
      out = graph->insert(c10::aten::hardsigmoid, {dense});
    } else if (kind == "prim::MKLDNNScalarMul") {
      out = graph->insert(c10::aten::mul, {dense, n->input(1)});
    } else {  // HardTanh and Clamp keep their bounds as attributes
      const double lo = n->f(c10::Symbol::attr("min_val")), hi = n->f(c10::Symbol::attr("max_val"));
      out = graph->insert(c10::aten::hardtanh, {dense, lo, hi});
    }
    Value* back = graph->insert(c10::aten::to_mkldnn, {out});
    n->output()->replaceAllUsesWith(back);
    n->destroy();
  }
  return static_cast<int>(broken.size());
}

bool llga_available() {
#if TORCH_VERSION_MAJOR >= 2
  return AT_MKLDNN_ENABLED();
#else
  return false;
#endif
}

torch::jit::Module freeze_for_llga(const torch::jit::Module& module, const torch::Device& device) {
  if (!llga_available())
    throw common::Error("the llga engine needs LibTorch 2 built with oneDNN (this is LibTorch " TORCH_VERSION ")");
#if TORCH_VERSION_MAJOR >= 2
  // LibTorch's pass registry is process-wide: registered once, on the first LLGA engine.
  static const bool llga_pass_registry = [] {
    torch::jit::RegisterLlgaFuseGraph::setEnabled(true);
    return true;
  }();
  (void)llga_pass_registry;
#endif
  torch::NoGradGuard no_grad;
  torch::jit::Module copy = module.clone();
  copy.to(device);
  copy.eval();
  return torch::jit::freeze(copy);
}

torch::Tensor run_llga_module(torch::jit::Module& module, const torch::Tensor& input) {
  torch::NoGradGuard no_grad;
  torch::jit::GraphOptimizerEnabledGuard executor_optimizer(true);
  return module.forward({input}).toTensor();
}

}  // namespace ofa::runtime
