// ofa-runtime export: each level a self-contained TorchScript file with the level's logits.
#include <fstream>

#include <torch/script.h>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "runtime/commands/export_command.hpp"
#include "ofa/runtime/engine/inference_optimization.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::runtime;
using ofa::test::data_dir;
using ofa::test::shell;
using ofa::test::TempDir;
using ofa::test::tool;

TEST_CASE("exported golden levels, reloaded with torch::jit::load, reproduce OFA's logits", "[export][golden]") {
  TempDir dir("export-golden");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  const std::string summary = run_export({dir / "library.yaml", std::nullopt, dir / "out", false, 0});
  CHECK_THAT(summary, ofa::test::contains(std::to_string(g.names.size()) + " levels"));
  const auto& cases = ofa::test::golden_cases();
  const YAML::Node manifest = YAML::LoadFile((dir / "out/export.yaml").string());
  CHECK(manifest["format"].as<std::string>() == "ofa-export/3");
  REQUIRE(manifest["levels"].size() == g.names.size());
  for (std::size_t i = 0; i < g.names.size(); ++i) {
    INFO(g.names[i]);
    const auto& entry = cases.at(g.names[i]);
    CHECK(manifest["levels"][i]["file"].as<std::string>() == "level_" + std::to_string(i) + ".pt");
    CHECK(manifest["levels"][i]["model_format"].as<std::string>() == "torchscript");
    CHECK(manifest["levels"][i]["r"].as<int>() == g.library.levels[i].arch.r);
    torch::jit::Module m = torch::jit::load((dir / "out" / ("level_" + std::to_string(i) + ".pt")).string());
    CHECK(m.attr("ofa_arch").toStringRef() == to_string(g.library.levels[i].arch));
    torch::NoGradGuard no_grad;
    const torch::Tensor plain = run_module(m, entry.input);
    CHECK((plain - entry.logits).abs().max().item<double>() < 1e-4);
    // As a user would run it: frozen and optimised.
    torch::jit::Module fast = ofa::runtime::optimize_for_inference(m, torch::kCPU);
    const torch::Tensor optimized = run_module(fast, entry.input);
    CHECK((optimized - entry.logits).abs().max().item<double>() < 1e-4);
  }
  // Nothing left beside the folder.
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("export refuses a non-empty folder without --force and leaves it as it was", "[export][errors]") {
  TempDir dir("export-force");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  std::filesystem::create_directories(dir / "out");
  std::ofstream(dir / "out/keep.txt") << "mine";
  const auto run = shell(tool("ofa-runtime") + " export --library " + (dir / "library.yaml").string() + " --out " + (dir / "out").string());
  CHECK(run.status == 2);
  CHECK_THAT(run.output, ofa::test::contains("not empty (use --force"));
  CHECK(std::filesystem::exists(dir / "out/keep.txt"));
  CHECK_FALSE(std::filesystem::exists(dir / "out/level_0.pt"));
  const auto forced = shell(tool("ofa-runtime") + " export --force --library " + (dir / "library.yaml").string() + " --out " +
                            (dir / "out").string());
  CHECK(forced.status == 0);
  CHECK_FALSE(std::filesystem::exists(dir / "out/keep.txt"));
  CHECK(std::filesystem::exists(dir / "out/level_0.pt"));
}

TEST_CASE("export of a level that cannot be built: one line, exit 2, nothing written", "[export][errors]") {
  TempDir dir("export-broken");
  ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  // A BN file whose statistics do not fit the level: the level cannot be built.
  ofa::test::save_state_dict(dir / "bad_bn.pt", {{"first_conv.bn.running_foo", torch::ones({24})}});
  g.library.levels[1].bn = "bad_bn.pt";
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  const auto run = shell(tool("ofa-runtime") + " export --library " + (dir / "library.yaml").string() + " --out " + (dir / "out").string());
  CHECK(run.status == 2);
  CHECK_THAT(run.output, ofa::test::starts_with("ofa-runtime: error: level 1 (") && ofa::test::contains("bad_bn.pt"));
  CHECK(std::count(run.output.begin(), run.output.end(), '\n') == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("an unknown --engine is one line and exit 2 in every tool that takes it", "[engine][errors]") {
  TempDir dir("engine-flag");
  const std::string arch = (ofa::test::source_dir() / "configs/examples/single-arch.yaml").string();
  for (const std::string& cmd : {tool("ofa-runtime") + " infer --arch " + arch + " --input x.pt --out y.pt --engine turbo",
                                tool("ofa-measure") + " lut --out " + (dir / "lut").string() + " --engine turbo --resolutions 160",
                                tool("ofa-runtime") + " run --library none.yaml --latency-target 10 --duration 1 --engine turbo"}) {
    INFO(cmd);
    const auto r = shell(cmd);
    CHECK(r.status == 2);
    // Each command lists what it takes: auto only where it times (lut), not in infer or run.
    const bool times = cmd.find(" lut ") != std::string::npos;
    CHECK_THAT(r.output, ofa::test::contains(times ? "--engine: 'turbo' is not one of auto, optimized, onnxruntime, llga, eager"
                                                   : "--engine 'turbo' is not one of optimized, onnxruntime, llga, eager"));
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "lut"));
}

TEST_CASE("export never replaces a folder holding its library or the current folder, --force or not", "[export][errors]") {
  TempDir dir("export-here");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  std::size_t before = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++before;
  // Run inside the library's folder, as the user who lost their files did.
  const auto here = shell("cd " + dir.path().string() + " && " + tool("ofa-runtime") + " export --library library.yaml --out . --force");
  CHECK(here.status == 2);
  CHECK(here.output == "ofa-runtime: error: --out .: is the current folder or holds it; an output folder is replaced whole, so it must be another\n");
  const auto parent = shell(tool("ofa-runtime") + " export --library " + (dir / "library.yaml").string() + " --out " + dir.path().string() + " --force");
  CHECK(parent.status == 2);
  CHECK_THAT(parent.output, ofa::test::contains("holds --library"));
  std::size_t after = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++after;
  CHECK(after == before);
  CHECK(std::filesystem::exists(dir / "library.yaml"));
}

TEST_CASE("a level whose BN file belongs to another architecture is refused, naming the tensor and both sizes", "[export][errors]") {
  TempDir dir("export-bn");
  ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  REQUIRE(g.library.levels.size() >= 2);
  REQUIRE(!g.library.levels[0].bn.empty());
  // Level 1 pointing at level 0's statistics: it used to run (and export) with them.
  std::size_t other = 1;
  while (other < g.library.levels.size() && g.library.levels[other].arch == g.library.levels[0].arch) ++other;
  REQUIRE(other < g.library.levels.size());
  g.library.levels[other].bn = g.library.levels[0].bn;
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  const auto run = shell(tool("ofa-runtime") + " export --library " + (dir / "library.yaml").string() + " --out " + (dir / "out").string());
  CHECK(run.status == 2);
  CHECK_THAT(run.output, ofa::test::starts_with("ofa-runtime: error: level " + std::to_string(other) + " (") &&
                             (ofa::test::contains("BN file of another") || ofa::test::contains("lacks running_mean")));
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("export stopped by Ctrl-C, or on a full disk, leaves no folder and no temporary files", "[export][errors]") {
  TempDir dir("export-stop");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  REQUIRE(g.library.levels.size() >= 2);
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  auto leftovers = [&](const std::filesystem::path& folder) {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(folder)) n += e.path().filename().string().find(".tmp.") != std::string::npos;
    return n;
  };
  // Interrupted once the first level is in the staging folder (export prints no progress when
  // stderr is not a terminal, so the folder is the sign that the work is under way).
  const auto first_level_staged = [&](const std::string&) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir.path(), ec))
      if (e.path().filename().string().starts_with(".out.tmp.") && std::filesystem::exists(e.path() / "level_0.pt", ec)) return true;
    return false;
  };
  const auto r = ofa::test::interrupt_once({tool("ofa-runtime"), "export", "--library", (dir / "library.yaml").string(), "--out", (dir / "out").string()},
                                           first_level_staged);
  REQUIRE(r.said_marker);
  CHECK(r.status == 130);
  CHECK_THAT(r.stderr_text, ofa::test::contains("ofa-runtime: interrupted"));
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  CHECK(leftovers(dir.path()) == 0);
  // A disk that fills up while writing the levels (a 1 MiB tmpfs, in a mount namespace of the
  // test's own; root only): one line, exit 2, nothing left. It used to abort with LibTorch's
  // stack trace (exit 134) and leave a half-written level.
  if (::geteuid() != 0 || shell("command -v unshare").status != 0) return;
  std::filesystem::create_directories(dir / "small");
  // A chroot or a restricted container may refuse the mount namespace or the tmpfs: then skip.
  if (shell("unshare --mount sh -c 'mount -t tmpfs -o size=1m tmpfs " + (dir / "small").string() + "'").status != 0) return;
  const auto full = shell("unshare --mount sh -c 'mount -t tmpfs -o size=1m tmpfs " + (dir / "small").string() + " && " + tool("ofa-runtime") +
                          " export --library " + (dir / "library.yaml").string() + " --out " + (dir / "small/out").string() + " 2>&1; echo status=$?; ls -A " +
                          (dir / "small").string() + "'");
  if (full.output.find("mount:") != std::string::npos) return;  // no tmpfs here (a restricted container)
  INFO(full.output);
  CHECK_THAT(full.output, ofa::test::contains("status=2"));
  CHECK_THAT(full.output, ofa::test::contains("ofa-runtime: error: "));
  CHECK(full.output.find("status=134") == std::string::npos);
  CHECK(full.output.find(".tmp.") == std::string::npos);  // `ls -A` of the full disk shows no staging folder
}

TEST_CASE("export stopped through its reporter's cancel flag writes nothing", "[export][errors]") {
  // The tools hand every command the Ctrl-C flag through the Reporter; an application hands its
  // own the same way (no signal involved).
  TempDir dir("export-cancel");
  const ofa::test::GoldenLibrary g = ofa::test::golden_library(dir.path());
  write_file_atomic(dir / "library.yaml", ofa::common::format_library_yaml(g.library));
  std::atomic<bool> stop{true};
  const Reporter reporter = Reporter().with_cancel(CancelFlag(stop));
  CHECK_THROWS_WITH(run_export({dir / "library.yaml", std::nullopt, dir / "out", false, 0}, reporter), "interrupted; nothing written");
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
}
