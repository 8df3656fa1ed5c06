#include "ofa/runtime/quant/qdq_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "ofa/common/error.hpp"
#include "ofa/common/number_format.hpp"

#ifdef OFA_WITH_ONNX
#include <onnx/checker.h>

#include "onnx_tensor.hpp"
#endif

namespace ofa::runtime {

using common::Error;

ActivationQuant activation_quant(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
    throw Error("activation range [" + common::format_g(lo, 9) + ", " + common::format_g(hi, 9) + "] is not a finite range");
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const float scale = static_cast<float>((hi - lo) / 255.0);
  if (!std::isfinite(scale))
    throw Error("activation range [" + common::format_g(lo, 9) + ", " + common::format_g(hi, 9) + "] is wider than float32 can scale");
  // An empty range, or one so narrow its scale is no normal float: all zeros, as far as int8 sees.
  if (!(scale >= std::numeric_limits<float>::min())) return {};
  // ONNX Runtime's quantizer rounds half to even (numpy); so does nearbyint in the default mode.
  const double zp = std::nearbyint(-lo / static_cast<double>(scale));
  return {scale, static_cast<std::uint8_t>(std::clamp(zp, 0.0, 255.0))};
}

WeightQuant weight_quant(const torch::Tensor& weight, const torch::Tensor& min_scales) {
  const torch::Tensor w = weight.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  if (w.dim() < 1 || w.size(0) < 1) throw Error("weight quantization: a weight without output channels");
  if (!torch::isfinite(w).all().item<bool>()) throw Error("weight quantization: the weight holds NaN or infinity");
  const torch::Tensor absmax = w.reshape({w.size(0), -1}).abs().amax(1);
  torch::Tensor scales = torch::where(absmax > 0, absmax / 127.0f, torch::ones_like(absmax));
  if (min_scales.defined()) scales = torch::maximum(scales, min_scales.to(torch::kFloat32));
  std::vector<std::int64_t> shape(static_cast<std::size_t>(w.dim()), 1);
  shape[0] = w.size(0);
  // torch::round rounds half to even, as ONNX's QuantizeLinear does.
  const torch::Tensor q = torch::round(w / scales.reshape(shape)).clamp(-127, 127).to(torch::kInt8);
  return {q, scales};
}

torch::Tensor bias_quant(const torch::Tensor& bias, float input_scale, const torch::Tensor& weight_scales) {
  const torch::Tensor b = bias.detach().to(torch::kCPU, torch::kFloat32);
  const torch::Tensor scale = weight_scales * input_scale;
  const double limit = static_cast<double>(std::numeric_limits<std::int32_t>::max());
  return torch::round(b.to(torch::kFloat64) / scale.to(torch::kFloat64)).clamp(-limit, limit).to(torch::kInt32);
}

#ifndef OFA_WITH_ONNX

std::string qdq_model_bytes(const std::string&, const ValueRanges&, const QdqOptions&) {
  throw Error("int8 export needs ONNX's protobuf classes (Debian's libonnx-dev); this build was configured without them");
}

#else

namespace {

// Who reads each value, and which nodes stay float32.
struct GraphUse {
  std::map<std::string, std::vector<int>> readers;
  std::map<std::string, int> writer;
  std::set<int> float_nodes;
  std::set<std::string> constants;
};

GraphUse graph_use(const onnx::GraphProto& g, const QdqOptions& o) {
  GraphUse u;
  for (const onnx::TensorProto& t : g.initializer()) u.constants.insert(t.name());
  for (int k = 0; k < g.node_size(); ++k) {
    for (const std::string& i : g.node(k).input()) u.readers[i].push_back(k);
    u.writer[g.node(k).output(0)] = k;
  }
  if (!o.fp32_ends) return u;
  for (int k = 0; k < g.node_size(); ++k) {
    const onnx::NodeProto& n = g.node(k);
    if (n.op_type() == "Conv" && n.input(0) == g.input(0).name()) u.float_nodes.insert(k);
    // The classifier and the Flatten feeding it.
    if (n.op_type() == "Gemm") {
      u.float_nodes.insert(k);
      const auto w = u.writer.find(n.input(0));
      if (w != u.writer.end() && g.node(w->second).op_type() == "Flatten") u.float_nodes.insert(w->second);
    }
  }
  return u;
}

// Whether `value` gets a QuantizeLinear/DequantizeLinear pair: read by a node that is quantized.
bool quantized_value(const std::string& value, const GraphUse& u) {
  const auto r = u.readers.find(value);
  if (r == u.readers.end()) return false;  // the graph's output
  return std::any_of(r->second.begin(), r->second.end(), [&](int k) { return !u.float_nodes.contains(k); });
}

// ONNX Runtime's own quantizer drops a Relu that follows a quantized convolution: the uint8
// range of the Relu's output (from 0, zero point 0) clips what the Relu would. Returns, per
// such convolution, the Relu's output it now writes; the Relus are skipped.
std::map<int, int> removable_relus(const onnx::GraphProto& g, const GraphUse& u) {
  std::map<int, int> conv_to_relu;
  for (int k = 0; k < g.node_size(); ++k) {
    const onnx::NodeProto& n = g.node(k);
    if (n.op_type() != "Relu" || u.float_nodes.contains(k)) continue;
    const auto w = u.writer.find(n.input(0));
    if (w == u.writer.end() || g.node(w->second).op_type() != "Conv" || u.float_nodes.contains(w->second)) continue;
    if (u.readers.at(n.input(0)).size() == 1 && quantized_value(n.output(0), u)) conv_to_relu[w->second] = k;
  }
  return conv_to_relu;
}

class QdqWriter {
 public:
  QdqWriter(onnx::GraphProto& out, const ValueRanges& ranges) : g_(out), ranges_(ranges) {}

  // `value` through QuantizeLinear/DequantizeLinear; later readers read the dequantized one.
  // `stored` names the value written (the graph's output: `value` is then the dequantized one).
  void quantize_value(const std::string& value, const std::string& stored = "") {
    const auto r = ranges_.find(value);
    if (r == ranges_.end()) throw Error("int8: no calibrated range for value '" + value + "'");
    ActivationQuant q;
    try {
      q = activation_quant(r->second.first, r->second.second);
    } catch (const Error& e) {
      throw Error("int8: value '" + value + "': " + e.what());
    }
    add_initializer(g_, value + "_scale", torch::tensor(q.scale));
    add_initializer(g_, value + "_zp", torch::tensor(static_cast<std::uint8_t>(q.zero_point), torch::kUInt8));
    node("QuantizeLinear", {stored.empty() ? value : stored, value + "_scale", value + "_zp"}, value + "_q");
    node("DequantizeLinear", {value + "_q", value + "_scale", value + "_zp"}, stored.empty() ? value + "_dq" : value);
    scales_[value] = q.scale;
    if (stored.empty()) renamed_[value] = value + "_dq";
  }

  // A Conv's or Gemm's weight (input 1) and bias (input 2) as int8 / int32 through DequantizeLinear.
  void quantize_weights(onnx::NodeProto& n, const std::string& input, const std::map<std::string, torch::Tensor>& floats) {
    const auto s = scales_.find(input);
    if (s == scales_.end()) throw Error("int8: the input of node '" + n.name() + "' is not quantized");
    const std::string w = n.input(1);
    // The smallest weight scale at which each channel's bias fits int32.
    torch::Tensor min_scales;
    if (n.input_size() > 2)
      min_scales = floats.at(n.input(2)).abs().to(torch::kFloat64) / (static_cast<double>(s->second) * std::numeric_limits<std::int32_t>::max());
    const WeightQuant wq = weight_quant(floats.at(w), min_scales);
    per_channel(w, wq.values, wq.scales, torch::zeros({wq.scales.size(0)}, torch::kInt8));
    n.set_input(1, w + "_dq");
    if (n.input_size() < 3) return;
    const std::string b = n.input(2);
    per_channel(b, bias_quant(floats.at(b), s->second, wq.scales), wq.scales * s->second, torch::zeros({wq.scales.size(0)}, torch::kInt32));
    n.set_input(2, b + "_dq");
  }

  void add(onnx::NodeProto n) {
    for (int i = 0; i < n.input_size(); ++i)
      if (const auto r = renamed_.find(n.input(i)); r != renamed_.end()) n.set_input(i, r->second);
    *g_.add_node() = std::move(n);
  }

 private:
  void per_channel(const std::string& name, const torch::Tensor& values, const torch::Tensor& scales, const torch::Tensor& zero_points) {
    add_initializer(g_, name + "_quantized", values);
    add_initializer(g_, name + "_scale", scales.to(torch::kFloat32));
    add_initializer(g_, name + "_zp", zero_points);
    node("DequantizeLinear", {name + "_quantized", name + "_scale", name + "_zp"}, name + "_dq");
    onnx::AttributeProto* a = g_.mutable_node(g_.node_size() - 1)->add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(0);
  }
  void node(const char* op, std::initializer_list<std::string> inputs, const std::string& output) {
    onnx::NodeProto* n = g_.add_node();
    n->set_op_type(op);
    n->set_name(output + "/" + op);  // apart from the graph's own nodes, which may be named as their outputs
    for (const std::string& i : inputs) n->add_input(i);
    n->add_output(output);
  }

  onnx::GraphProto& g_;
  const ValueRanges& ranges_;
  std::map<std::string, float> scales_;
  std::map<std::string, std::string> renamed_;
};

// Every range must name a value of the graph: another network's calibration would otherwise
// be taken for this one's wherever names happen to agree.
void check_range_names(const onnx::GraphProto& g, const ValueRanges& ranges) {
  std::set<std::string> values{g.input(0).name()};
  for (const onnx::NodeProto& n : g.node()) values.insert(n.output(0));
  for (const auto& [name, range] : ranges)
    if (!values.contains(name)) throw Error("int8: a range for value '" + name + "', which this network does not have (another network's calibration?)");
}

void rewrite_graph(onnx::GraphProto& g, const ValueRanges& ranges, const QdqOptions& o) {
  check_range_names(g, ranges);
  const GraphUse u = graph_use(g, o);
  const std::map<int, int> relus = removable_relus(g, u);
  std::set<int> skipped;
  for (const auto& [conv, relu] : relus) skipped.insert(relu);
  std::map<std::string, torch::Tensor> floats;
  for (const onnx::TensorProto& t : g.initializer()) floats[t.name()] = float_tensor_of(t);
  onnx::GraphProto out = g;
  out.clear_node();
  out.clear_initializer();
  std::set<std::string> replaced;
  QdqWriter w(out, ranges);
  if (quantized_value(g.input(0).name(), u)) w.quantize_value(g.input(0).name());
  for (int k = 0; k < g.node_size(); ++k) {
    if (skipped.contains(k)) continue;
    onnx::NodeProto n = g.node(k);
    if (const auto r = relus.find(k); r != relus.end()) n.set_output(0, g.node(r->second).output(0));
    const bool weighted = (n.op_type() == "Conv" || n.op_type() == "Gemm") && !u.float_nodes.contains(k);
    w.add(n);
    onnx::NodeProto& added = *out.mutable_node(out.node_size() - 1);
    if (weighted) {
      replaced.insert(n.input(1));
      if (n.input_size() > 2) replaced.insert(n.input(2));
      // The weights' DequantizeLinear nodes must come before their reader: moved below it.
      const int at = out.node_size() - 1;
      w.quantize_weights(added, n.input(0), floats);
      for (int j = at; j + 1 < out.node_size(); ++j) out.mutable_node()->SwapElements(j, j + 1);
    }
    if (quantized_value(n.output(0), u)) w.quantize_value(n.output(0));
    // The logits too, as ONNX Runtime's quantizer does: its Gemm then runs as one int8 kernel
    // (a float Gemm would dequantize its weights on every call). Their rounding, 1/255 of their
    // range, is far below the network's.
    if (weighted && n.output(0) == g.output(0).name()) {
      added.set_output(0, n.output(0) + "_float");
      w.quantize_value(n.output(0), n.output(0) + "_float");
    }
  }
  for (const onnx::TensorProto& t : g.initializer())
    if (!replaced.contains(t.name())) *out.add_initializer() = t;
  g = std::move(out);
}

}  // namespace

std::string qdq_model_bytes(const std::string& fp32_model, const ValueRanges& ranges, const QdqOptions& o) {
  onnx::ModelProto m;
  if (!m.ParseFromString(fp32_model)) throw Error("int8: the float32 model is not a serialised ONNX ModelProto");
  if (m.graph().input_size() != 1 || m.graph().output_size() != 1) throw Error("int8: the model does not have one input and one output");
  rewrite_graph(*m.mutable_graph(), ranges, o);
  m.set_doc_string(m.doc_string() + "; int8 QDQ (per-channel int8 weights, uint8 activations" + (o.fp32_ends ? ", first and last layers float32)" : ")"));
  try {
    onnx::checker::check_model(m);
  } catch (const std::exception& e) {
    throw Error(std::string("int8: the QDQ model fails ONNX's checker: ") + e.what());
  }
  std::string bytes;
  if (!m.SerializeToString(&bytes)) throw Error("int8: the model could not be serialised");
  return bytes;
}

#endif

}  // namespace ofa::runtime
