// ofa-runtime export --format onnx: each level an ONNX model that passes ONNX's checker and,
// evaluated node by node here, gives OFA's logits.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>

#include "ofa/common/files.hpp"
#include "ofa/runtime/engine/onnx_subnet.hpp"
#include "runtime/commands/export_command.hpp"
#include "torch_test_support.hpp"
#ifdef OFA_WITH_ONNX
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#endif
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::runtime;
using ofa::test::data_dir;
using ofa::test::shell;
using ofa::test::TempDir;
using ofa::test::tool;

#ifndef OFA_WITH_ONNX

TEST_CASE("without ONNX, export --format onnx says what is missing, writing nothing", "[export][onnx]") {
  TempDir dir("onnx-missing");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  ofa::common::write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  const auto r = shell(tool("ofa-runtime") + " export --library " + (dir / "library.yaml").string() + " --out " + (dir / "out").string() +
                       " --format onnx");
  CHECK(r.status == 2);
  CHECK_THAT(r.output, ofa::test::contains("libonnx-dev"));
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

#else

namespace {

// An evaluator of the ops our exporter writes, written from the ONNX operator specification
// (not from the exporter), with LibTorch's ops: enough to check what a model computes.
torch::Tensor evaluate(const onnx::ModelProto& model, const torch::Tensor& input) {
  std::map<std::string, torch::Tensor> v;
  for (const onnx::TensorProto& t : model.graph().initializer()) {
    REQUIRE(t.data_type() == onnx::TensorProto::FLOAT);
    std::vector<std::int64_t> dims(t.dims().begin(), t.dims().end());
    torch::Tensor x = torch::empty(dims, torch::kFloat32);
    REQUIRE(t.raw_data().size() == static_cast<std::size_t>(x.numel()) * 4);
    std::memcpy(x.data_ptr(), t.raw_data().data(), t.raw_data().size());
    v[t.name()] = x;
  }
  v[model.graph().input(0).name()] = input;
  auto attr_ints = [](const onnx::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute())
      if (a.name() == name) return std::vector<std::int64_t>(a.ints().begin(), a.ints().end());
    return std::vector<std::int64_t>{};
  };
  auto attr = [](const onnx::NodeProto& n, const char* name, double fallback) {
    for (const auto& a : n.attribute())
      if (a.name() == name) return a.type() == onnx::AttributeProto::FLOAT ? static_cast<double>(a.f()) : static_cast<double>(a.i());
    return fallback;
  };
  for (const onnx::NodeProto& n : model.graph().node()) {
    const std::string& op = n.op_type();
    const torch::Tensor x = v.at(n.input(0));
    torch::Tensor y;
    if (op == "Conv") {
      const auto pads = attr_ints(n, "pads"), strides = attr_ints(n, "strides");
      const torch::Tensor& weight = v.at(n.input(1));
      REQUIRE(pads.size() == 4);
      REQUIRE(pads[0] == pads[2]);
      REQUIRE(pads[1] == pads[3]);
      REQUIRE(attr_ints(n, "kernel_shape") == std::vector<std::int64_t>{weight.size(2), weight.size(3)});
      REQUIRE((attr_ints(n, "dilations").empty() || attr_ints(n, "dilations") == std::vector<std::int64_t>{1, 1}));
      y = torch::conv2d(x, v.at(n.input(1)), n.input_size() > 2 ? v.at(n.input(2)) : torch::Tensor(), strides, {pads[0], pads[1]}, {1, 1},
                        static_cast<std::int64_t>(attr(n, "group", 1)));
    } else if (op == "Relu") {
      y = torch::relu(x);
    } else if (op == "HardSwish") {  // y = x * max(0, min(1, x / 6 + 1 / 2))
      y = x * torch::clamp(x / 6.0 + 0.5, 0.0, 1.0);
    } else if (op == "HardSigmoid") {  // y = max(0, min(1, alpha * x + beta))
      y = torch::clamp(attr(n, "alpha", 0.2) * x + attr(n, "beta", 0.5), 0.0, 1.0);
    } else if (op == "GlobalAveragePool") {
      y = x.mean({2, 3}, true);
    } else if (op == "Mul") {
      y = x * v.at(n.input(1));
    } else if (op == "Add") {
      y = x + v.at(n.input(1));
    } else if (op == "Flatten") {
      y = x.flatten(static_cast<std::int64_t>(attr(n, "axis", 1)));
    } else if (op == "Gemm") {  // y = A B' + C with transB = 1
      REQUIRE(attr(n, "transB", 0) == 1);
      y = torch::addmm(v.at(n.input(2)), x, v.at(n.input(1)).t());
    } else {
      FAIL("operator " << op << " is not one the exporter should write");
    }
    v[n.output(0)] = y;
  }
  return v.at(model.graph().output(0).name());
}

}  // namespace

TEST_CASE("exported ONNX levels pass ONNX's checker and compute OFA's logits", "[export][onnx][golden]") {
  TempDir dir("onnx-golden");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  ofa::common::write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  const auto r = shell(tool("ofa-runtime") + " export --library " + (dir / "library.yaml").string() + " --out " + (dir / "out").string() +
                       " --format onnx --batch 2");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const YAML::Node manifest = YAML::LoadFile((dir / "out/export.yaml").string());
  CHECK(manifest["levels"][0]["model_format"].as<std::string>() == "onnx");
  CHECK(manifest["opset"].as<int>() == kOnnxOpset);
  CHECK(manifest["onnx_batch"].as<int>() == 2);
  const auto& cases = ofa::test::golden_cases();
  for (std::size_t i = 0; i < g.names.size(); ++i) {
    INFO(g.names[i]);
    const std::filesystem::path file = dir / "out" / ("level_" + std::to_string(i) + ".onnx");
    REQUIRE(manifest["levels"][i]["file"].as<std::string>() == file.filename().string());
    CHECK_NOTHROW(onnx::checker::check_model(file.string()));
    onnx::ModelProto model;
    REQUIRE(model.ParseFromString(ofa::common::read_file(file)));
    bool opset_ok = false;
    for (const auto& o : model.opset_import()) opset_ok = opset_ok || (o.domain().empty() && o.version() == kOnnxOpset);
    CHECK(opset_ok);
    REQUIRE(model.graph().input_size() == 1);
    REQUIRE(model.graph().output_size() == 1);
    CHECK(model.graph().input(0).name() == "input");
    CHECK(model.graph().output(0).name() == "logits");
    const auto& in_shape = model.graph().input(0).type().tensor_type().shape();
    REQUIRE(in_shape.dim_size() == 4);
    CHECK(in_shape.dim(0).dim_value() == 2);
    CHECK(in_shape.dim(2).dim_value() == g.library.levels[i].arch.r);
    CHECK(model.graph().output(0).type().tensor_type().shape().dim(1).dim_value() == 1000);
    // No BatchNorm left: folded into the convolutions.
    for (const auto& n : model.graph().node()) CHECK(n.op_type() != "BatchNormalization");
    const auto& entry = cases.at(g.names[i]);
    torch::NoGradGuard no_grad;
    // At the declared batch of 2: the case's two images, then the same two again.
    const torch::Tensor input = entry.input.narrow(0, 0, 2);
    REQUIRE(input.size(0) == 2);
    const torch::Tensor logits = evaluate(model, input);
    REQUIRE(logits.sizes() == torch::IntArrayRef({2, 1000}));
    CHECK((logits - entry.logits.narrow(0, 0, 2)).abs().max().item<double>() < 1e-4);
  }
}

TEST_CASE("export --format and --batch refuse what they cannot do, writing nothing", "[export][onnx][errors]") {
  TempDir dir("onnx-bad");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  ofa::common::write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  const std::string base = tool("ofa-runtime") + " export --library " + (dir / "library.yaml").string() + " --out " + (dir / "out").string();
  for (const auto& [args, says] : std::vector<std::pair<std::string, std::string>>{{" --format csv", "--format 'csv' is not one of auto, torchscript, onnx"},
                                                                                   {" --format tflite", "--format"},
                                                                                   {" --format onnx --batch 0", "--batch"},
                                                                                   {" --format torchscript --batch 4", "only ONNX models have a static batch"}}) {
    const auto r = shell(base + args);
    INFO(args << "\n" << r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, ofa::test::contains(says));
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

#endif
