// `ofa-measure latency --library`: an imported Dynamic-OFA library re-timed on this device.
#include <algorithm>
#include <filesystem>

#include "ofa/common/files.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/runtime/adaptive/adaptive_network.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "runtime/commands/library_latency_command.hpp"
#include "search/commands/import_dynamic_ofa_command.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::runtime;
using ofa::test::data_dir;
using ofa::test::shell;
using ofa::test::TempDir;
using ofa::test::tool;
namespace fs = std::filesystem;

namespace {

using ofa::test::q;

ofa::common::Level level(double ms, double accuracy) {
  ofa::common::Level l;
  l.latency_median_ms = ms;
  l.accuracy = accuracy;
  return l;
}

}  // namespace

TEST_CASE("re-timing keeps the levels that stay faster than every more accurate level", "[library][latency]") {
  using V = std::vector<std::size_t>;
  CHECK(levels_still_on_front({level(1, 0.1), level(2, 0.2), level(3, 0.3)}) == V{0, 1, 2});
  // Level 1 is now slower than level 2 (more accurate): it goes.
  CHECK(levels_still_on_front({level(1, 0.1), level(3, 0.2), level(2, 0.3), level(4, 0.4)}) == V{0, 2, 3});
  // A tie is no longer strictly faster.
  CHECK(levels_still_on_front({level(2, 0.1), level(2, 0.2)}) == V{1});
  // Everything slower than the top level: only the top stays.
  CHECK(levels_still_on_front({level(5, 0.1), level(6, 0.2), level(4, 0.3)}) == V{2});
}

TEST_CASE("ofa-measure latency --library re-times an imported library here and the runtime serves it", "[library][latency][dynamic_ofa][cli]") {
  TempDir dir("retime");
  ofa::search::ImportDynamicOfaOptions o;
  o.pickle = data_dir() / "dynamic_ofa/dynofa_levels.pickle";
  o.out = dir / "imported/library.yaml";
  o.weights = data_dir() / "golden/supernet_fp16.pt";
  o.latency_device = "jetson-xavier-nx-gpu";
  ofa::search::run_import_dynamic_ofa(o);
  const ofa::common::LibraryFile in = ofa::common::read_library(o.out);
  REQUIRE(in.format_version == 3);
  REQUIRE(in.levels.size() == 3);

  const fs::path out = dir / "here/retimed.yaml";
  fs::create_directories(out.parent_path());
  const std::string base = tool("ofa-measure") + " latency --library " + q(o.out) + " --rounds 2 --repeats 4 --warmup 1 --threads 1 --quiet";
  const auto r = shell(base + " --out " + q(out));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("3 levels of") != std::string::npos);
  const ofa::common::LibraryFile lib = ofa::common::read_library(out);
  // Now this device's figures: format 2, no foreign latency device, this measurement's setup.
  CHECK(lib.format_version == 2);
  CHECK(lib.latency_device.empty());
  CHECK(lib.imported_from.empty());
  CHECK(lib.device == "cpu");
  CHECK(lib.engine == (auto_engines().size() > 1 ? "auto" : "optimized"));  // the default, auto
  CHECK(lib.threads == 1);
  REQUIRE(!lib.levels.empty());
  std::size_t next = 0;
  for (const auto& l : lib.levels) {
    // Each kept level is one of the input's, in order, with its accuracy and BN file, timed anew.
    while (next < in.levels.size() && !(in.levels[next].arch == l.arch)) ++next;
    REQUIRE(next < in.levels.size());
    const auto& src = in.levels[next];
    CHECK(l.accuracy == src.accuracy);
    CHECK(l.latency_median_ms > 0);
    CHECK(l.latency_median_ms != src.latency_median_ms);  // the file's figures were the fixture's made-up ones
    CHECK(l.latency_p90_ms >= l.latency_median_ms);
    // BN paths are rebased to the new file's folder and name the same files.
    REQUIRE(!l.bn.empty());
    CHECK(fs::equivalent(out.parent_path() / l.bn, o.out.parent_path() / src.bn));
    ++next;
  }
  CHECK(fs::equivalent(ofa::common::weights_path(lib, out), data_dir() / "golden/supernet_fp16.pt"));
  if (lib.levels.size() < in.levels.size()) CHECK(r.output.find("dropped") != std::string::npos);

  // The runtime serves the re-timed library with the same networks: identical logits.
  const ofa::common::SavedObject expected = ofa::common::read_torch_file(data_dir() / "dynamic_ofa/dynofa_expected.pt");
  AdaptiveOptions ao;
  ao.warmup = 0;
  ao.engine = EngineKind::Eager;
  ao.policy.target_ms = 1e6;
  AdaptiveNetwork before = AdaptiveNetwork::load(o.out, std::nullopt, ao);
  AdaptiveNetwork after = AdaptiveNetwork::load(out, std::nullopt, ao);
  for (std::size_t i = 0, j = 0; i < after.levels(); ++i) {
    while (!(in.levels[j].arch == lib.levels[i].arch)) ++j;
    const torch::Tensor input = ofa::runtime::to_torch(expected.items[j].find("input")->tensor);
    CHECK(torch::equal(after.engine(i).forward(input), before.engine(j).forward(input)));
  }
}

TEST_CASE("ofa-measure latency --library refuses what it cannot do, writing nothing", "[library][latency][errors][cli]") {
  TempDir dir("retime-bad");
  // The library's weights are a copy here: a case below tries to overwrite them.
  fs::copy_file(data_dir() / "golden/supernet_fp16.pt", dir / "supernet.pt");
  const std::string weights_before = ofa::common::read_file(dir / "supernet.pt");
  ofa::search::ImportDynamicOfaOptions o;
  o.pickle = data_dir() / "dynamic_ofa/dynofa_levels_list.pickle";
  o.out = dir / "library.yaml";
  o.weights = dir / "supernet.pt";
  ofa::search::run_import_dynamic_ofa(o);
  const std::string base = tool("ofa-measure") + " latency --library " + q(o.out) + " --rounds 1 --repeats 1 --warmup 0 --quiet";
  const auto before = ofa::common::read_library(o.out);
  struct Case {
    std::string args, says;
  };
  for (const Case& c : {Case{" --out " + q(dir / "x.yaml") + " --only-front", "--only-front"},
                        Case{" --out " + q(dir / "x.yaml") + " --resume", "--resume"},
                        Case{" --out " + q(dir / "x.yaml") + " --chunk 4", "--chunk"},
                        Case{" --out " + q(dir / "x.yaml") + " --candidates " + q(o.out), "--candidates"},
                        Case{" --out " + q(o.out), "library.yaml"},
                        Case{" --out " + q(dir / before.levels[0].bn), "level 0's BN file"},
                        Case{" --out " + q(dir / "supernet.pt"), "the library's weights"},
                        Case{" --out " + q(dir / "w.pt") + " --weights " + q(dir / "w.pt"), "w.pt"}}) {
    INFO(c.args);
    const auto r = shell(base + c.args);
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find(c.says) != std::string::npos);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
  }
  CHECK_FALSE(fs::exists(dir / "x.yaml"));
  CHECK(ofa::common::read_file(dir / "supernet.pt") == weights_before);
  // The runtime's outputs are checked against the library's inputs alike.
  for (const char* flag : {"--trace", "--plot", "--summary-json"}) {
    const auto r = shell(tool("ofa-runtime") + " run --library " + q(o.out) + " --duration 1 --latency-target 100 --quiet " + flag + " " +
                         q(dir / "supernet.pt"));
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find(std::string(flag) + " " + (dir / "supernet.pt").string() + " is the library's weights") != std::string::npos);
  }
  CHECK(ofa::common::read_file(dir / "supernet.pt") == weights_before);
  CHECK(ofa::common::read_library(o.out).levels.size() == before.levels.size());
  // A bare --out name is a file in the current folder (paths rebased from there).
  const auto bare = shell("cd " + dir.path().string() + " && " + tool("ofa-measure") +
                          " latency --library library.yaml --rounds 1 --repeats 1 --warmup 0 --quiet --out here.yaml");
  INFO(bare.output);
  CHECK(bare.status == 0);
  REQUIRE(fs::exists(dir / "here.yaml"));
  const auto here = ofa::common::read_library(dir / "here.yaml");
  CHECK(fs::equivalent(ofa::common::weights_path(here, dir / "here.yaml"), dir / "supernet.pt"));
  // Same folder: the same relative BN paths (one timed call each, a cold level may be dropped).
  REQUIRE(!here.levels.empty());
  for (const auto& l : here.levels) {
    const auto src = std::find_if(before.levels.begin(), before.levels.end(), [&](const auto& b) { return b.arch == l.arch; });
    REQUIRE(src != before.levels.end());
    CHECK(l.bn == src->bn);
  }
  // Neither input given.
  const auto none = shell(tool("ofa-measure") + " latency --out " + q(dir / "x.yaml") + " --quiet");
  CHECK(none.status == 2);
  CHECK(none.output.find("give --candidates FILE") != std::string::npos);
}
