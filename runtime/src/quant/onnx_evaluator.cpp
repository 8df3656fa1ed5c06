#include "ofa/runtime/quant/onnx_evaluator.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "ofa/common/error.hpp"

#ifdef OFA_WITH_ONNX
#include <onnx/onnx_pb.h>

#include "onnx_tensor.hpp"
#endif

namespace ofa::runtime {

using common::Error;

// One node, its attributes read once (the graph is run once per calibration batch).
struct EvalNode {
  std::string op, name;
  std::vector<std::string> inputs;
  std::string output;
  std::int64_t stride = 1, pad = 0, group = 1, axis = 1, trans_b = 0;
  float alpha = 0.2f, beta = 0.5f;
};

struct OnnxEvaluator::Graph {
  std::vector<EvalNode> nodes;
  // Per node, the values no later node reads: dropped once it has run (a batch's every value
  // at once would take gigabytes).
  std::vector<std::vector<std::string>> last_reads;
  std::map<std::string, torch::Tensor> constants;
  std::string input, output;
};

OnnxEvaluator::~OnnxEvaluator() = default;
const std::string& OnnxEvaluator::output_name() const { return graph_->output; }
OnnxEvaluator::OnnxEvaluator(OnnxEvaluator&&) noexcept = default;

#ifndef OFA_WITH_ONNX

OnnxEvaluator::OnnxEvaluator(const std::string&) {
  throw Error("int8 calibration needs ONNX's protobuf classes (Debian's libonnx-dev); this build was configured without them");
}
torch::Tensor OnnxEvaluator::run(const torch::Tensor&, const ValueObserver&) const { return {}; }

#else

namespace {

// Whether every value of an INTS attribute is `v` (square strides, symmetric pads, no dilation).
bool all_ints(const onnx::AttributeProto& a, std::int64_t v) {
  return a.ints_size() > 0 && std::all_of(a.ints().begin(), a.ints().end(), [v](std::int64_t x) { return x == v; });
}

// The attributes exported subnets use, read; any other value is refused, not ignored.
EvalNode eval_node(const onnx::NodeProto& n) {
  EvalNode e{n.op_type(), n.name(), {n.input().begin(), n.input().end()}, n.output_size() == 1 ? n.output(0) : ""};
  if (e.output.empty()) throw Error("calibration: node '" + n.name() + "' has " + std::to_string(n.output_size()) + " outputs");
  const bool gemm = e.op == "Gemm";
  bool ok = !gemm || e.inputs.size() == 3;
  for (const onnx::AttributeProto& a : n.attribute()) {
    const std::string& k = a.name();
    if (k == "strides") e.stride = a.ints(0), ok = ok && all_ints(a, e.stride);
    else if (k == "pads") e.pad = a.ints(0), ok = ok && all_ints(a, e.pad);
    else if (k == "dilations") ok = ok && all_ints(a, 1);
    else if (k == "kernel_shape") ok = ok && a.ints_size() == 2;
    else if (k == "group") e.group = a.i();
    else if (k == "axis") e.axis = a.i();
    else if (k == "transB") e.trans_b = a.i();
    else if (k == "alpha" && !gemm) e.alpha = a.f();
    else if (k == "beta" && !gemm) e.beta = a.f();
    else ok = ok && gemm && (k == "alpha" || k == "beta") && a.f() == 1.0f;
  }
  if (!ok) throw Error("calibration: node '" + n.name() + "' (" + e.op + ") has inputs or attributes exported subnets do not have");
  return e;
}

torch::Tensor apply_node(const EvalNode& n, const std::vector<torch::Tensor>& in) {
  if (n.op == "Conv") return torch::conv2d(in[0], in[1], in.size() > 2 ? in[2] : torch::Tensor(), n.stride, n.pad, 1, n.group);
  if (n.op == "Relu") return torch::relu(in[0]);
  if (n.op == "HardSwish") return torch::hardswish(in[0]);
  if (n.op == "HardSigmoid") return torch::clamp(in[0] * n.alpha + n.beta, 0.0, 1.0);
  if (n.op == "GlobalAveragePool") return in[0].mean({2, 3}, true);
  if (n.op == "Mul") return in[0] * in[1];
  if (n.op == "Add") return in[0] + in[1];
  if (n.op == "Flatten") return in[0].flatten(n.axis);
  if (n.op == "Gemm") return torch::addmm(in[2], in[0], n.trans_b ? in[1].t() : in[1]);
  throw Error("calibration: node '" + n.name + "' is " + n.op + ", an op exported subnets do not have");
}

}  // namespace

OnnxEvaluator::OnnxEvaluator(const std::string& model) : graph_(std::make_unique<Graph>()) {
  onnx::ModelProto m;
  if (!m.ParseFromString(model)) throw Error("calibration: the model is not a serialised ONNX ModelProto");
  const onnx::GraphProto& g = m.graph();
  if (g.input_size() != 1 || g.output_size() != 1) throw Error("calibration: the model does not have one input and one output");
  graph_->input = g.input(0).name();
  graph_->output = g.output(0).name();
  for (const onnx::TensorProto& t : g.initializer()) graph_->constants[t.name()] = float_tensor_of(t);
  std::map<std::string, std::size_t> last_read;
  for (const onnx::NodeProto& n : g.node()) {
    for (const std::string& i : n.input())
      if (!graph_->constants.contains(i)) last_read[i] = graph_->nodes.size();
    graph_->nodes.push_back(eval_node(n));
  }
  graph_->last_reads.resize(graph_->nodes.size());
  for (const auto& [value, node] : last_read)
    if (value != graph_->output) graph_->last_reads[node].push_back(value);
}

torch::Tensor OnnxEvaluator::run(const torch::Tensor& input, const ValueObserver& observe) const {
  torch::NoGradGuard no_grad;
  std::map<std::string, torch::Tensor> values = graph_->constants;
  values[graph_->input] = input.to(torch::kCPU, torch::kFloat32);
  if (observe) observe(graph_->input, values[graph_->input]);
  std::vector<torch::Tensor> in;
  for (std::size_t k = 0; k < graph_->nodes.size(); ++k) {
    const EvalNode& n = graph_->nodes[k];
    in.clear();
    for (const std::string& name : n.inputs) {
      const auto it = values.find(name);
      if (it == values.end()) throw Error("calibration: node '" + n.name + "' reads '" + name + "', computed by no node before it");
      in.push_back(it->second);
    }
    torch::Tensor y = apply_node(n, in);
    if (observe) observe(n.output, y);
    values[n.output] = std::move(y);
    for (const std::string& done : graph_->last_reads[k]) values.erase(done);
  }
  return values.at(graph_->output);
}

#endif

}  // namespace ofa::runtime
