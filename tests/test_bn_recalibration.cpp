// BN recalibration against OFA's own set_running_statistics (golden/bn_calib_public.pt).
#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/torch_file.hpp"
#include "ofa/runtime/engine/bn_recalibration.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/tensor_io.hpp"
#include "torch_test_support.hpp"

#include "catch.hpp"

using namespace ofa;
using ofa::test::data_dir;
using ofa::test::w12;

namespace {

struct CalibCase {
  std::string name;
  common::ArchConfig arch;
  torch::Tensor calib, input, logits;
  runtime::StateDict bn;
};

std::vector<CalibCase> calib_cases() {
  const auto archs = common::read_archs(data_dir() / "golden/bn_calib_public.yaml", w12());
  const common::SavedObject root = common::read_torch_file(data_dir() / "golden/bn_calib_public.pt");
  std::vector<CalibCase> out;
  for (const auto& a : archs) {
    const common::SavedObject* c = root.find(a.name);
    REQUIRE(c);
    out.push_back({a.name, a.arch, runtime::to_torch(c->find("calib")->tensor), runtime::to_torch(c->find("input")->tensor),
                   runtime::to_torch(c->find("logits")->tensor), runtime::torch_state_dict(*c->find("bn"), a.name)});
  }
  return out;
}

// max |a - b| relative to max |b|.
double relative_error(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>() / std::max(b.abs().max().item<double>(), 1e-12);
}

}  // namespace

TEST_CASE("BN recalibration reproduces OFA's set_running_statistics on the public cases", "[bn][golden]") {
  const auto cases = calib_cases();
  REQUIRE(cases.size() >= 2);
  for (const auto& c : cases) {
    INFO(c.name);
    const runtime::Subnet subnet = runtime::Subnet::from_supernet(w12(), c.arch, test::golden_supernet());
    // Batches of 3, 3 and 1: the short last batch weighs 1/7, as OFA's AverageMeter weighs it.
    const std::vector<torch::Tensor> batches = {c.calib.narrow(0, 0, 3), c.calib.narrow(0, 3, 3), c.calib.narrow(0, 6, 1)};
    const runtime::StateDict bn = runtime::recalibrate_bn(subnet, batches);
    REQUIRE(bn.size() == c.bn.size());
    for (const auto& [key, expected] : c.bn) {
      INFO(key);
      REQUIRE(bn.count(key));
      REQUIRE(bn.at(key).sizes() == expected.sizes());
      CHECK(relative_error(bn.at(key), expected) <= 1e-4);
    }
    // The recalibrated subnet maps OFA's input to OFA's logits.
    const runtime::Supernet with_bn = test::golden_supernet().with_bn_overrides(bn, c.name);
    const torch::Tensor logits = runtime::Subnet::from_supernet(w12(), c.arch, with_bn).forward(c.input);
    CHECK(relative_error(logits, c.logits) <= 1e-5);
    // One batch of all 7 is a different average (variance is not additive over batches): the
    // batching is what the fixture pins.
    const runtime::StateDict one = runtime::recalibrate_bn(subnet, std::vector<torch::Tensor>{c.calib});
    double worst = 0;
    for (const auto& [key, expected] : c.bn)
      if (key.ends_with("running_var")) worst = std::max(worst, relative_error(one.at(key), expected));
    CHECK(worst > 1e-4);
  }
}

TEST_CASE("ofa-measure bn writes the BN file the runtime reads, and refuses bad input in one line", "[bn][cli]") {
  test::TempDir dir("bn");
  const auto cases = calib_cases();
  const CalibCase& c = cases.front();
  runtime::save_tensor(dir / "calib.pt", c.calib);
  std::string arch_yaml = "ks: [";
  for (int i = 0; i < 20; ++i) arch_yaml += (i ? ", " : "") + std::to_string(c.arch.ks[static_cast<std::size_t>(i)]);
  arch_yaml += "]\ne: [";
  for (int i = 0; i < 20; ++i) arch_yaml += (i ? ", " : "") + std::to_string(c.arch.e[static_cast<std::size_t>(i)]);
  arch_yaml += "]\nd: [";
  for (int i = 0; i < 5; ++i) arch_yaml += (i ? ", " : "") + std::to_string(c.arch.d[static_cast<std::size_t>(i)]);
  arch_yaml += "]\nr: " + std::to_string(c.arch.r) + "\n";
  test::write_text(dir / "a.yaml", arch_yaml);
  const std::string base = test::tool("ofa-measure") + " bn --weights " + (data_dir() / "golden/supernet_fp16.pt").string() + " --arch " +
                           (dir / "a.yaml").string();
  const auto run = test::shell(base + " --tensors " + (dir / "calib.pt").string() + " --calib-batch 3 --out " + (dir / "bn.pt").string());
  INFO(run.output);
  REQUIRE(run.status == 0);
  const runtime::StateDict bn = runtime::load_state_dict(dir / "bn.pt");
  REQUIRE(bn.size() == c.bn.size());
  for (const auto& [key, expected] : c.bn) CHECK(relative_error(bn.at(key), expected) <= 1e-4);
  // The file works as `infer --bn` takes it.
  runtime::save_tensor(dir / "x.pt", c.input);
  const auto infer = test::shell(test::tool("ofa-runtime") + " infer --weights " + (data_dir() / "golden/supernet_fp16.pt").string() +
                                 " --arch " + (dir / "a.yaml").string() + " --bn " + (dir / "bn.pt").string() + " --input " +
                                 (dir / "x.pt").string() + " --out " + (dir / "y.pt").string());
  REQUIRE(infer.status == 0);
  CHECK(relative_error(runtime::load_tensor(dir / "y.pt"), c.logits) <= 1e-5);

  // Bad input: one line naming what is wrong, exit 2, no output file.
  runtime::save_tensor(dir / "small.pt", torch::zeros({2, 3, 100, 100}));
  runtime::save_tensor(dir / "nan.pt", torch::full({2, 3, c.arch.r, c.arch.r}, std::nan("")));
  test::write_text(dir / "two.yaml", "a: {ks: [3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3], e: [3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3], d: [2,2,2,2,2], r: 160}\n"
                                     "b: {ks: [3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3], e: [3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3], d: [2,2,2,2,2], r: 160}\n");
  struct Bad {
    std::string args, expect;
  };
  const std::vector<Bad> bad = {
      {" --tensors " + (dir / "calib.pt").string() + " --calib-batch 0", "--calib-batch: '0' is not a whole number in [1, 4096]"},
      {" --tensors " + (dir / "small.pt").string(), "small.pt: has shape [2, 3, 100, 100], expected [N, 3, " + std::to_string(c.arch.r)},
      {" --tensors " + (dir / "nan.pt").string(), "nan.pt: holds NaN or infinite values"},
      {" --tensors " + (dir / "a.yaml").string(), "a.yaml: not a torch.save file"},
  };
  for (const auto& b : bad) {
    INFO(b.args);
    const auto r = test::shell(base + b.args + " --out " + (dir / "bad.pt").string());
    CHECK(r.status == 2);
    CHECK_THAT(r.output, test::starts_with("ofa-measure: error: ") && test::contains(b.expect));
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "bad.pt"));
  }
  const auto two = test::shell(test::tool("ofa-measure") + " bn --arch " + (dir / "two.yaml").string() + " --tensors " +
                               (dir / "calib.pt").string() + " --out " + (dir / "bad.pt").string());
  CHECK(two.status == 2);
  CHECK_THAT(two.output, test::contains("two.yaml: holds 2 architectures; give a file with one"));
}

TEST_CASE("a BN file is checked against the architecture it is applied to", "[bn][errors]") {
  using namespace ofa::common;
  using namespace ofa::runtime;
  const auto archs = read_archs(data_dir() / "golden/cases_public.yaml", w12());
  const auto& cases = ofa::test::golden_cases();
  REQUIRE(archs.size() >= 2);
  // Each golden case's own statistics fit its subnet exactly.
  for (const auto& a : archs) {
    INFO(a.name);
    const StateDict& bn = cases.at(a.name).bn;
    const Subnet own = Subnet::from_supernet(w12(), a.arch, ofa::test::golden_supernet().with_bn_overrides(bn, a.name));
    CHECK_NOTHROW(check_bn_file(bn, own, a.name));
  }
  // Another architecture's statistics: refused, naming a tensor and both sizes (or what is missing).
  std::size_t other = 1;
  while (other < archs.size() && archs[other].arch == archs[0].arch) ++other;
  REQUIRE(other < archs.size());
  const StateDict& foreign = cases.at(archs[0].name).bn;
  const Subnet subnet = Subnet::from_supernet(w12(), archs[other].arch, ofa::test::golden_supernet());
  try {
    check_bn_file(foreign, subnet, "bn.pt");
    FAIL("another architecture's BN file was accepted");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, ofa::test::starts_with("bn.pt: "));
    CHECK((what.find("entries, this architecture's BatchNorm has") != std::string::npos ||
           what.find("is not a statistic of a BatchNorm of this architecture") != std::string::npos ||
           what.find("lacks running_mean or running_var") != std::string::npos));
  }
  // A missing statistic is named.
  StateDict partial = cases.at(archs[0].name).bn;
  partial.erase(partial.begin());
  const Subnet own0 = Subnet::from_supernet(w12(), archs[0].arch, ofa::test::golden_supernet());
  CHECK_THROWS_WITH(check_bn_file(partial, own0, "p.pt"), ofa::test::contains("p.pt: lacks running_mean or running_var of BatchNorm"));
}
