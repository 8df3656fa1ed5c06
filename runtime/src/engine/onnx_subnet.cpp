#include "ofa/runtime/engine/onnx_subnet.hpp"

#include "ofa/common/arch_config.hpp"
#include "ofa/common/error.hpp"

#ifdef OFA_WITH_ONNX
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include "ofa/runtime/engine/batchnorm_folding.hpp"
#endif

namespace ofa::runtime {

using common::Error;

#ifndef OFA_WITH_ONNX

bool onnx_export_available() { return false; }

std::string onnx_subnet_bytes(const Subnet&, std::int64_t) {
  throw Error("ONNX export needs ONNX's protobuf classes (Debian's libonnx-dev); this build was configured without them");
}

#else

bool onnx_export_available() { return true; }

namespace {

using common::LayerKind;
using common::LayerSpec;

// Adds nodes and initializers to one graph, naming every value uniquely.
class GraphBuilder {
 public:
  explicit GraphBuilder(onnx::GraphProto& g) : g_(g) {}

  std::string initializer(const std::string& name, const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    onnx::TensorProto* p = g_.add_initializer();
    p->set_name(name);
    p->set_data_type(onnx::TensorProto::FLOAT);
    for (std::int64_t d : c.sizes()) p->add_dims(d);
    p->set_raw_data(std::string(static_cast<const char*>(c.data_ptr()), static_cast<std::size_t>(c.numel()) * sizeof(float)));
    return name;
  }

  std::string node(const std::string& op, std::initializer_list<std::string> inputs, const std::string& hint) {
    onnx::NodeProto* n = g_.add_node();
    n->set_op_type(op);
    const std::string out = hint + "_" + std::to_string(counter_++);
    n->set_name(out);
    for (const std::string& i : inputs) n->add_input(i);
    n->add_output(out);
    last_ = n;
    return out;
  }
  void ints(const char* name, std::initializer_list<std::int64_t> values) {
    onnx::AttributeProto* a = last_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (std::int64_t v : values) a->add_ints(v);
  }
  void integer(const char* name, std::int64_t value) {
    onnx::AttributeProto* a = last_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
  }
  void real(const char* name, float value) {
    onnx::AttributeProto* a = last_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
  }

  // Conv with "same" padding k // 2, as every OFA convolution has.
  std::string conv(const std::string& x, const std::string& w, const std::string& b, int kernel, int stride, int groups,
                   const std::string& hint) {
    const std::string y = b.empty() ? node("Conv", {x, w}, hint) : node("Conv", {x, w, b}, hint);
    const int pad = kernel / 2;
    ints("kernel_shape", {kernel, kernel});
    ints("strides", {stride, stride});
    ints("pads", {pad, pad, pad, pad});
    ints("dilations", {1, 1});
    integer("group", groups);
    return y;
  }

 private:
  onnx::GraphProto& g_;
  onnx::NodeProto* last_ = nullptr;
  int counter_ = 0;
};

// A float32 value of shape `dims`; a dimension of 0 is the symbolic batch (dim_param "batch").
void set_float_tensor_type(onnx::ValueInfoProto* v, const std::string& name, const std::vector<std::int64_t>& dims) {
  v->set_name(name);
  onnx::TypeProto_Tensor* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (std::int64_t d : dims) {
    auto* dim = t->mutable_shape()->add_dim();
    if (d == 0)
      dim->set_dim_param("batch");
    else
      dim->set_dim_value(d);
  }
}

// Squeeze-excite: pool, reduce, relu, expand, h-sigmoid, scale.
std::string emit_se(GraphBuilder& b, const LayerWeights& w, const std::string& p, const std::string& y) {
  std::string s = b.node("GlobalAveragePool", {y}, p + "se_pool");
  s = b.node("Relu", {b.conv(s, b.initializer(p + "se_reduce_w", w.se_reduce), b.initializer(p + "se_reduce_b", w.se_reduce_bias), 1, 1, 1, p + "se_reduce")},
             p + "se_relu");
  s = b.conv(s, b.initializer(p + "se_expand_w", w.se_expand), b.initializer(p + "se_expand_b", w.se_expand_bias), 1, 1, 1, p + "se_expand");
  // OFA's h-sigmoid relu6(x + 3) / 6 is HardSigmoid with alpha 1/6, beta 1/2.
  s = b.node("HardSigmoid", {s}, p + "se_hsigmoid");
  b.real("alpha", 1.0f / 6.0f);
  b.real("beta", 0.5f);
  return b.node("Mul", {y, s}, p + "se_mul");
}

// Layer i as script_subnet writes it (ScriptForm::Folded), op for op; returns its output's name.
std::string emit_layer(GraphBuilder& b, const LayerSpec& l, const LayerWeights& w, std::size_t i, const std::string& x) {
  const std::string p = "l" + std::to_string(i) + "_";
  auto folded = [&](const std::string& role, const torch::Tensor& weight, const BatchNorm& bn) {
    const FoldedConv f = fold_batchnorm(weight, bn);
    return std::pair{b.initializer(p + role + "_w", f.weight), b.initializer(p + role + "_b", f.bias)};
  };
  // A block's 1x1 projection (BN folded), then its identity skip where it has one.
  auto project = [&](const std::string& y) {
    const auto [cw, cb] = folded("conv", w.conv, w.conv_bn);
    const std::string z = b.conv(y, cw, cb, 1, 1, 1, p + "conv");
    return l.residual ? b.node("Add", {z, x}, p + "add") : z;
  };
  auto act = [&](bool hswish, const std::string& in) { return b.node(hswish ? "HardSwish" : "Relu", {in}, p + (hswish ? "hswish" : "relu")); };
  switch (l.kind) {
    case LayerKind::FirstConv: {
      const auto [cw, cb] = folded("conv", w.conv, w.conv_bn);
      return act(true, b.conv(x, cw, cb, l.kernel, l.stride, 1, p + "conv"));
    }
    case LayerKind::FirstBlock: {
      const auto [dw, db] = folded("dw", w.depthwise, w.depthwise_bn);
      return project(act(false, b.conv(x, dw, db, l.kernel, 1, l.mid_c, p + "dw")));
    }
    case LayerKind::Block: {
      const auto [ew, eb] = folded("expand", w.expand, w.expand_bn);
      std::string y = act(l.hswish, b.conv(x, ew, eb, 1, 1, 1, p + "expand"));
      const auto [dw, db] = folded("dw", w.depthwise, w.depthwise_bn);
      y = act(l.hswish, b.conv(y, dw, db, l.kernel, l.stride, l.mid_c, p + "dw"));
      return project(l.se_c > 0 ? emit_se(b, w, p, y) : y);
    }
    case LayerKind::FinalExpand: {
      const auto [cw, cb] = folded("conv", w.conv, w.conv_bn);
      return act(true, b.conv(x, cw, cb, 1, 1, 1, p + "conv"));
    }
    case LayerKind::AvgPool:
      return b.node("GlobalAveragePool", {x}, p + "pool");
    case LayerKind::FeatureMix:
      return act(true, b.conv(x, b.initializer(p + "conv_w", w.conv), "", 1, 1, 1, p + "conv"));
    case LayerKind::Classifier: {
      const std::string flat = b.node("Flatten", {x}, p + "flatten");
      b.integer("axis", 1);
      const std::string y = b.node("Gemm", {flat, b.initializer(p + "linear_w", w.linear), b.initializer(p + "linear_b", w.linear_bias)}, p + "linear");
      b.integer("transB", 1);
      return y;
    }
  }
  return x;
}

// The last value is the output: "logits" [batch, classes] when the subnet ends in the
// classifier, else "output" of the layer's rank, its dimensions named, not given (ONNX
// Runtime infers them; the checker wants a shape).
void set_graph_output(onnx::GraphProto& g, const Subnet& net, std::int64_t batch) {
  if (net.layers().back().kind == LayerKind::Classifier) {
    g.mutable_node(g.node_size() - 1)->set_output(0, "logits");
    set_float_tensor_type(g.add_output(), "logits", {batch, net.weights().back().linear.size(0)});
    return;
  }
  g.mutable_node(g.node_size() - 1)->set_output(0, "output");
  onnx::ValueInfoProto* v = g.add_output();
  v->set_name("output");
  onnx::TypeProto_Tensor* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (const char* d : {"batch", "channels", "height", "width"}) t->mutable_shape()->add_dim()->set_dim_param(d);
}

}  // namespace

std::string onnx_subnet_bytes(const Subnet& net, std::int64_t batch) {
  if (batch < 0) throw Error("ONNX export: batch " + std::to_string(batch) + " must be >= 1 (or 0: any)");
  if (net.layers().empty()) throw Error("ONNX export: the subnet has no layers");
  torch::NoGradGuard no_grad;
  onnx::ModelProto model;
  model.set_ir_version(8);  // what ONNX 1.12 (Debian 12) writes; later ONNX and ONNX Runtime releases read it too
  model.set_producer_name("ofa-toolchain");
  model.set_model_version(1);
  model.set_doc_string("OFA MobileNetV3 subnet " + common::to_string(net.arch()) + ", weights " + net.weights_source() + ", BatchNorm folded");
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  onnx::GraphProto& g = *model.mutable_graph();
  g.set_name("ofa_subnet");
  GraphBuilder b(g);
  // A whole network takes images; a single layer (per-layer tables) takes its own input, the
  // classifier a flat vector as Subnet::forward_layer does.
  const LayerSpec& first = net.layers().front();
  if (first.kind == LayerKind::Classifier)
    set_float_tensor_type(g.add_input(), "input", {batch, first.in_c});
  else
    set_float_tensor_type(g.add_input(), "input", {batch, first.in_c, first.in_hw, first.in_hw});
  std::string x = "input";
  for (std::size_t i = 0; i < net.layers().size(); ++i) x = emit_layer(b, net.layers()[i], net.weights()[i], i, x);
  set_graph_output(g, net, batch);
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw Error(std::string("ONNX export: the model fails ONNX's checker: ") + e.what());
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw Error("ONNX export: the model could not be serialised (over protobuf's 2 GiB?)");
  return bytes;
}

#endif

}  // namespace ofa::runtime
