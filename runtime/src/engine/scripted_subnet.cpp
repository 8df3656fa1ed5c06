#include "ofa/runtime/engine/scripted_subnet.hpp"

#include <algorithm>
#include <sstream>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/error.hpp"
#include "ofa/runtime/engine/batchnorm_folding.hpp"

namespace ofa::runtime {

using namespace ofa::common;

namespace {

// Parameter names: layer index and role, e.g. l3_expand_w.
std::string pname(std::size_t i, const std::string& role) { return "l" + std::to_string(i) + "_" + role; }

// Writes forward's statements for one form.
class SourceWriter {
 public:
  explicit SourceWriter(ScriptForm form) : form_(form) {}

  // conv2d of `in` with layer i's `role` weights, then its BN (folded: the conv's bias;
  // literal: a batch_norm op) unless `bn` is false (plain bias, or none).
  std::string conv(std::size_t i, const std::string& role, const std::string& in, int kernel, int stride, int groups,
                   bool bn = true, bool bias = true) const {
    std::ostringstream s;
    const int pad = kernel / 2;
    const bool has_bias = bn ? form_ == ScriptForm::Folded : bias;
    s << "torch.conv2d(" << in << ", self." << pname(i, role + "_w") << ", " << (has_bias ? "self." + pname(i, role + "_b") : "None")
      << ", [" << stride << ", " << stride << "], [" << pad << ", " << pad << "], [1, 1], " << groups << ")";
    if (!bn || form_ == ScriptForm::Folded) return s.str();
    const std::string p = "self." + pname(i, role + "_bn_");
    return "torch.batch_norm(" + s.str() + ", " + p + "w, " + p + "b, " + p + "m, " + p + "v, False, 0.1, 1e-05, True)";
  }
  // OFA's h-swish x * relu6(x + 3) / 6 and h-sigmoid relu6(x + 3) / 6. The folded form uses
  // the equal aten ops, one pass over memory each instead of four; the literal one is what
  // tracing OFA's module records.
  std::string hswish(const std::string& x) const {
    return form_ == ScriptForm::Folded ? "torch.hardswish(" + x + ")" : "self._hs(" + x + ")";
  }
  std::string hsigmoid(const std::string& x) const {
    return form_ == ScriptForm::Folded ? "torch.hardsigmoid(" + x + ")"
                                       : "torch.div(torch.hardtanh(torch.add(" + x + ", 3.0), 0.0, 6.0), 6.0)";
  }
  std::string act(bool is_hswish, const std::string& x) const { return is_hswish ? hswish(x) : "torch.relu(" + x + ")"; }

 private:
  ScriptForm form_;
};

}  // namespace

std::string subnet_script_source(const std::vector<LayerSpec>& layers, ScriptForm form, std::size_t begin, std::size_t end) {
  end = std::min(end, layers.size());
  const SourceWriter w(form);
  std::ostringstream s;
  // A literal h-swish needs its input twice: a method keeps each use one expression.
  if (form == ScriptForm::Literal)
    s << "def _hs(self, x: Tensor) -> Tensor:\n"
       "    return torch.div(torch.mul(x, torch.hardtanh(torch.add(x, 3.0), 0.0, 6.0)), 6.0)\n\n";
  s << "def forward(self, x: Tensor) -> Tensor:\n";
  for (std::size_t i = begin; i < end; ++i) {
    const LayerSpec& l = layers[i];
    switch (l.kind) {
      case LayerKind::FirstConv:
        s << "    x = " << w.hswish(w.conv(i, "conv", "x", l.kernel, l.stride, 1)) << "\n";
        break;
      case LayerKind::FirstBlock:
        s << "    y = torch.relu(" << w.conv(i, "dw", "x", l.kernel, 1, l.mid_c) << ")\n";
        s << "    y = " << w.conv(i, "conv", "y", 1, 1, 1) << "\n";
        s << (l.residual ? "    x = y + x\n" : "    x = y\n");
        break;
      case LayerKind::Block:
        s << "    y = " << w.act(l.hswish, w.conv(i, "expand", "x", 1, 1, 1)) << "\n";
        s << "    y = " << w.act(l.hswish, w.conv(i, "dw", "y", l.kernel, l.stride, l.mid_c)) << "\n";
        if (l.se_c > 0) {
          s << "    s = torch.mean(y, [2, 3], True)\n";
          s << "    s = torch.relu(" << w.conv(i, "se_reduce", "s", 1, 1, 1, /*bn=*/false) << ")\n";
          s << "    s = " << w.hsigmoid(w.conv(i, "se_expand", "s", 1, 1, 1, /*bn=*/false)) << "\n";
          s << "    y = y * s\n";
        }
        s << "    y = " << w.conv(i, "conv", "y", 1, 1, 1) << "\n";
        s << (l.residual ? "    x = y + x\n" : "    x = y\n");
        break;
      case LayerKind::FinalExpand:
        s << "    x = " << w.hswish(w.conv(i, "conv", "x", 1, 1, 1)) << "\n";
        break;
      case LayerKind::AvgPool:
        s << "    x = torch.mean(x, [2, 3], True)\n";
        break;
      case LayerKind::FeatureMix:
        s << "    x = " << w.hswish(w.conv(i, "conv", "x", 1, 1, 1, /*bn=*/false, /*bias=*/false)) << "\n";
        break;
      case LayerKind::Classifier:
        s << "    x = torch.linear(torch.flatten(x, 1), self." << pname(i, "linear_w") << ", self." << pname(i, "linear_b") << ")\n";
        break;
    }
  }
  s << "    return x\n";
  return s.str();
}

torch::jit::Module script_subnet(const Subnet& net, ScriptForm form) { return script_layers(net, 0, net.layers().size(), form); }

namespace {

// Layer i's parameters registered on `m` under the names subnet_script_source uses: with
// ScriptForm::Folded each conv's BatchNorm folded into it, else the BatchNorm's own four.
void register_layer(torch::jit::Module& m, const LayerSpec& l, const LayerWeights& w, std::size_t i, ScriptForm form) {
  auto add = [&m](std::size_t i, const std::string& role, const torch::Tensor& t) {
    m.register_parameter(pname(i, role), t.detach().contiguous(), /*is_buffer=*/false);
  };
  auto add_with_bn = [&](std::size_t i, const std::string& role, const torch::Tensor& weight, const BatchNorm& bn) {
    if (form == ScriptForm::Folded) {
      const FoldedConv f = fold_batchnorm(weight, bn);
      add(i, role + "_w", f.weight);
      add(i, role + "_b", f.bias);
      return;
    }
    add(i, role + "_w", weight);
    add(i, role + "_bn_w", bn.weight);
    add(i, role + "_bn_b", bn.bias);
    add(i, role + "_bn_m", bn.mean);
    add(i, role + "_bn_v", bn.var);
  };
  switch (l.kind) {
    case LayerKind::FirstConv:
    case LayerKind::FinalExpand:
      add_with_bn(i, "conv", w.conv, w.conv_bn);
      break;
    case LayerKind::FirstBlock:
      add_with_bn(i, "dw", w.depthwise, w.depthwise_bn);
      add_with_bn(i, "conv", w.conv, w.conv_bn);
      break;
    case LayerKind::Block:
      add_with_bn(i, "expand", w.expand, w.expand_bn);
      add_with_bn(i, "dw", w.depthwise, w.depthwise_bn);
      if (l.se_c > 0) {
        add(i, "se_reduce_w", w.se_reduce);
        add(i, "se_reduce_b", w.se_reduce_bias);
        add(i, "se_expand_w", w.se_expand);
        add(i, "se_expand_b", w.se_expand_bias);
      }
      add_with_bn(i, "conv", w.conv, w.conv_bn);
      break;
    case LayerKind::AvgPool:
      break;
    case LayerKind::FeatureMix:
      add(i, "conv_w", w.conv);
      break;
    case LayerKind::Classifier:
      add(i, "linear_w", w.linear);
      add(i, "linear_b", w.linear_bias);
      break;
  }
}

}  // namespace

torch::jit::Module script_layers(const Subnet& net, std::size_t begin, std::size_t end, ScriptForm form) {
  if (begin >= end || end > net.layers().size())
    throw Error("script_layers: range [" + std::to_string(begin) + ", " + std::to_string(end) + ") of a net of " +
                std::to_string(net.layers().size()) + " layers");
  torch::NoGradGuard no_grad;
  torch::jit::Module m("ofa_subnet");
  const auto& layers = net.layers();
  for (std::size_t i = begin; i < end; ++i) register_layer(m, layers[i], net.weights()[i], i, form);
  m.register_attribute("ofa_arch", c10::StringType::get(), to_string(net.arch()));
  m.register_attribute("ofa_weights", c10::StringType::get(), net.weights_source());
  m.define(subnet_script_source(layers, form, begin, end));
  m.eval();
  return m;
}

}  // namespace ofa::runtime
