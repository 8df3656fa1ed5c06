#include "ofa/runtime/engine/level_module.hpp"

#include "ofa/common/error.hpp"
#include "ofa/runtime/engine/scripted_subnet.hpp"

namespace ofa::runtime {

using common::Error;

std::size_t head_layer(const Subnet& net) {
  const auto& l = net.layers();
  const std::size_t n = l.size();
  return n > 2 && l[n - 2].kind == common::LayerKind::FeatureMix && l[n - 1].kind == common::LayerKind::Classifier ? n - 2 : 0;
}

torch::jit::Module level_module(const Subnet& net) {
  const std::size_t head = head_layer(net);
  if (head == 0) throw Error("level_module: " + common::to_string(net.arch()) + " is not a whole network (no feature mix and classifier)");
  torch::jit::Module m("ofa_level");
  m.register_module("body", script_layers(net, 0, head));
  m.register_module("head", script_layers(net, head, net.layers().size()));
  m.register_attribute("ofa_arch", c10::StringType::get(), common::to_string(net.arch()));
  m.register_attribute("ofa_weights", c10::StringType::get(), net.weights_source());
  m.define("def forward(self, x):\n    return self.head.forward(self.body.forward(x))\n");
  m.eval();
  return m;
}

LevelModuleParts level_module_parts(const torch::jit::Module& level, const std::string& where) {
  auto part = [&](const char* name) {
    const c10::optional<torch::jit::IValue> v = level.hasattr(name) ? c10::optional<torch::jit::IValue>(level.attr(name)) : c10::nullopt;
    if (!v || !v->isModule()) throw Error(where + ": not a level module of ours (no submodule '" + std::string(name) + "')");
    return v->toModule();
  };
  LevelModuleParts parts{part("body"), part("head"), ""};
  if (!level.hasattr("ofa_arch") || !level.attr("ofa_arch").isString()) throw Error(where + ": not a level module of ours (no 'ofa_arch')");
  parts.arch = level.attr("ofa_arch").toStringRef();
  return parts;
}

}  // namespace ofa::runtime
