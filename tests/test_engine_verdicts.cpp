// Engines prove themselves on each machine before they serve: the check (a known network after
// its warm-up against float64), its verdicts kept per machine, and refusals wherever an engine
// would run. Scripted checkers stand in for engines that crash, drift or hang.
#include <dlfcn.h>

#include <filesystem>
#include <fstream>

#include "ofa/common/files.hpp"
#include "ofa/runtime/adaptive/library_levels.hpp"
#include "ofa/runtime/engine/engine_check.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "ofa/runtime/engine/inference_optimization.hpp"
#include "ofa/runtime/engine/machine_identity.hpp"
#include "ofa/runtime/engine/onednn_cache_sizes.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::runtime;
using ofa::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Restores the process's registry (default settings) when a test that scripted it ends.
struct ScriptedChecker {
  TempDir dir{"checker"};
  fs::path script;
  ScriptedChecker(const std::string& body, double timeout_s = 60, bool recheck = false) {
    script = dir / "checker.sh";
    ofa::common::write_file_atomic(script, "echo run >> '" + (dir / "runs").string() + "'\nshift 4\n" + body);
    configure(timeout_s, recheck);
  }
  void configure(double timeout_s = 60, bool recheck = false) const {
    EngineCheckSettings s;
    s.checker = "/bin/sh";
    s.checker_args = {script.string()};
    s.cache_dir = dir / "cache";
    s.timeout_s = timeout_s;
    s.recheck = recheck;
    EngineVerdicts::registry().configure(s);
  }
  int runs() const {
    std::ifstream f(dir / "runs");
    int n = 0;
    for (std::string line; std::getline(f, line);) ++n;
    return n;
  }
  ~ScriptedChecker() { EngineVerdicts::registry().configure({}); }
};

// optimized dies of SIGFPE, llga drifts after its warm-up, the others are right.
constexpr const char* kBrokenMachine =
    "for e in \"$@\"; do\n"
    "  echo \"checking $e\"\n"
    "  case \"$e\" in\n"
    "    optimized) kill -FPE $$ ;;\n"
    "    llga) echo \"verdict llga wrong 0.23 0.002 1.5 11 3\" ;;\n"
    "    *) echo \"verdict $e right 1e-06 0.002 0.5 11 -1\" ;;\n"
    "  esac\n"
    "done\n";

}  // namespace

TEST_CASE("an engine whose check dies of SIGFPE or drifts after its warm-up is refused with why, and the others serve", "[engine][verdicts]") {
  const ScriptedChecker checker(kBrokenMachine);
  EngineVerdicts& r = EngineVerdicts::registry();
  const EngineVerdict optimized = r.verdict(EngineKind::Optimized);
  CHECK_FALSE(optimized.right);
  CHECK_THAT(optimized.reason, ofa::test::starts_with("optimized: its check died of SIGFPE"));
  CHECK_THAT(optimized.reason, ofa::test::contains(cpu_identity()));
  CHECK(r.verdict(EngineKind::Eager).right);
  if (llga_available()) {
    const EngineVerdict llga = r.verdict(EngineKind::Llga);
    CHECK_FALSE(llga.right);
    CHECK_THAT(llga.reason, ofa::test::contains("llga: logits 0.23 off the float64 reference"));
    CHECK_THAT(llga.reason, ofa::test::contains("from call 4 of 11 after its warm-up"));
  }
  if (onnxruntime_available()) CHECK(r.verdict(EngineKind::OnnxRuntime).right);
  // The child that died took only the engine it was checking; a second one checked the rest
  // (where optimized is not the build's last engine).
  const auto built = engines_of_build(torch::kCPU, OrtProvider::Cpu);
  CHECK(checker.runs() == (built.back() == EngineKind::Optimized ? 1 : 2));

  // Refused wherever it would serve or be timed.
  const ofa::common::ArchConfig arch = check_arch();
  CHECK_THROWS_WITH(Engine(Subnet::random(ofa::test::w12(), arch, 1), EngineKind::Optimized), ofa::test::contains("refused on this machine: optimized: its check died of SIGFPE"));
  CHECK_THROWS_WITH(parse_engine_choice("optimized"), ofa::test::contains("SIGFPE"));
  std::vector<std::string> left_out;
  const std::vector<EngineKind> contenders = auto_engines(torch::kCPU, OrtProvider::Cpu, &left_out);
  CHECK(std::find(contenders.begin(), contenders.end(), EngineKind::Optimized) == contenders.end());
  CHECK(std::find(contenders.begin(), contenders.end(), EngineKind::Llga) == contenders.end());
  REQUIRE_FALSE(left_out.empty());
  CHECK_THAT(left_out.front(), ofa::test::starts_with("optimized: "));
  if (contenders.empty()) {
    CHECK_THROWS_WITH(parse_engine_choice("auto"), ofa::test::contains("no engine of this build is right on this machine"));
  } else {
    const EngineChoice c = parse_engine_choice("auto");
    CHECK((c.contenders == contenders));
    CHECK((c.left_out == left_out));
  }

  // A library level recorded on the refused engine is served on the next right one, with a note.
  TempDir dir("served-elsewhere");
  ofa::common::LibraryFile lib = ofa::test::golden_library(dir.path()).library;
  lib.engine = "optimized";
  std::string note;
  const EngineKind served = serving_engine(lib, 0, torch::kCPU, OrtProvider::Cpu, &note);
  CHECK(served != EngineKind::Optimized);
  CHECK(r.verdict(served).right);
  CHECK_THAT(note, ofa::test::contains("level 0 was measured on optimized, which is refused on this machine"));
  CHECK_THAT(note, ofa::test::contains(std::string("it is served on ") + engine_name(served)));
}

TEST_CASE("verdicts are kept per machine, read back by the next process and checked again on --recheck", "[engine][verdicts]") {
  const ScriptedChecker checker(kBrokenMachine);
  EngineVerdicts& r = EngineVerdicts::registry();
  CHECK_FALSE(r.verdict(EngineKind::Optimized).right);
  const int first = checker.runs();
  const fs::path kept = r.cache_file(torch::kCPU, OrtProvider::Cpu);
  REQUIRE(fs::is_regular_file(kept));
  CHECK(kept.parent_path() == checker.dir / "cache");
  // A new process (the registry forgets): the kept file answers, no child runs.
  checker.configure();
  CHECK_THAT(r.verdict(EngineKind::Optimized).reason, ofa::test::contains("SIGFPE"));
  CHECK(r.verdict(EngineKind::Eager).right);
  CHECK(checker.runs() == first);
  // A damaged file is checked again and rewritten, never trusted.
  ofa::common::write_file_atomic(kept, "format: ofa-engine-verdicts/1\nengines: [}\n");
  checker.configure();
  CHECK_FALSE(r.verdict(EngineKind::Optimized).right);
  CHECK(checker.runs() == 2 * first);
  // --recheck ignores the kept verdicts.
  checker.configure(60, /*recheck=*/true);
  CHECK(r.verdict(EngineKind::Eager).right);
  CHECK(checker.runs() == 3 * first);
  // Another machine (here: another checker) has a file of its own.
  const auto key = r.machine_key(torch::kCPU, OrtProvider::Cpu);
  CHECK(std::find_if(key.begin(), key.end(), [](const auto& kv) { return kv.first == "cpu_flags"; }) != key.end());
  // The architecture apart from the CPU's name: an aarch64 build under emulation reads the
  // host's /proc/cpuinfo, and must not share the host's verdicts.
  const auto arch = std::find_if(key.begin(), key.end(), [](const auto& kv) { return kv.first == "arch"; });
  REQUIRE(arch != key.end());
#if defined(__aarch64__)
  CHECK(arch->second == "aarch64");
#elif defined(__x86_64__)
  CHECK(arch->second == "x86_64");
#endif
  EngineCheckSettings other = r.settings();
  other.checker_args.push_back("--other");
  r.configure(other);
  CHECK(r.cache_file(torch::kCPU, OrtProvider::Cpu) != kept);
}

TEST_CASE("a check that hangs, fails or cannot start refuses the engine with the reason", "[engine][verdicts]") {
  {
    const ScriptedChecker hang("echo \"checking $1\"\nexec sleep 60\n", /*timeout_s=*/1);
    const EngineVerdict v = EngineVerdicts::registry().verdict(EngineKind::Eager);
    CHECK_FALSE(v.right);
    CHECK_THAT(v.reason, ofa::test::contains("eager: its check ran past the 1 s limit"));
  }
  {
    const ScriptedChecker fails("echo \"checking $1\"\necho 'ofa-engine-check: eager: no memory for the network' >&2\nexit 3\n");
    const EngineVerdict v = EngineVerdicts::registry().verdict(EngineKind::Eager);
    CHECK_FALSE(v.right);
    CHECK_THAT(v.reason, ofa::test::contains("exited with 3: ofa-engine-check: eager: no memory for the network"));
  }
  {
    const ScriptedChecker silent("exit 0\n");
    CHECK_THAT(EngineVerdicts::registry().verdict(EngineKind::Eager).reason,
               ofa::test::contains("eager: not checked: the check exited with 0 before checking any engine"));
  }
  {
    // Killed from outside (Ctrl-C, the OOM killer): refused in this process, never kept, so the
    // next process checks again.
    const ScriptedChecker killed("echo \"checking $1\"\nkill -INT $$\n");
    CHECK_THAT(EngineVerdicts::registry().verdict(EngineKind::Eager).reason, ofa::test::contains("died of SIGINT"));
    CHECK_FALSE(fs::exists(EngineVerdicts::registry().cache_file(torch::kCPU, OrtProvider::Cpu)));
    const int first = killed.runs();  // a child per engine: each was killed in turn
    CHECK(first == static_cast<int>(engines_of_build(torch::kCPU, OrtProvider::Cpu).size()));
    killed.configure();
    CHECK_FALSE(EngineVerdicts::registry().verdict(EngineKind::Eager).right);
    CHECK(killed.runs() == 2 * first);
  }
  TempDir dir("no-checker");
  EngineCheckSettings s;
  s.checker = "/nonexistent/ofa-engine-check";
  s.cache_dir = dir / "cache";
  EngineVerdicts::registry().configure(s);
  const EngineVerdict v = EngineVerdicts::registry().verdict(EngineKind::Optimized);
  EngineVerdicts::registry().configure({});
  CHECK_FALSE(v.right);
  CHECK_THAT(v.reason, ofa::test::contains("could not start: /nonexistent/ofa-engine-check"));
}

TEST_CASE("the check compares every call after the warm-up: an engine that drifts late, or answers NaN, is wrong", "[engine][verdicts]") {
  const torch::Tensor input = torch::ones({1, 4});
  const torch::Tensor reference = torch::full({1, 4}, 2.0, torch::kFloat64);
  int calls = 0;
  const auto drifts = [&](const torch::Tensor&) { return torch::full({1, 4}, calls++ < 5 ? 2.0F : 2.2F); };
  const EngineCheckOutcome o = compare_calls(drifts, input, reference, 8, check_tolerance(2.0));
  CHECK_FALSE(o.right);
  CHECK(o.first_wrong == 5);
  CHECK(o.calls == 8);
  CHECK(o.max_error == Approx(0.2).epsilon(1e-5));
  const auto nan = [](const torch::Tensor&) { return torch::full({1, 4}, std::nanf("")); };
  CHECK_FALSE(compare_calls(nan, input, reference, 1, 1.0).right);
  const auto right = [](const torch::Tensor&) { return torch::full({1, 4}, 2.0F); };
  CHECK(compare_calls(right, input, reference, 3, check_tolerance(2.0)).right);
}

TEST_CASE("the real check: the eager engine passes it in process, and the checker gives every engine of this build a verdict", "[engine][verdicts]") {
  const EngineCheckOutcome eager = check_engine(EngineKind::Eager);
  CHECK(eager.right);
  CHECK(eager.calls == 11);
  CHECK(eager.max_error < eager.tolerance);
  const std::vector<EngineVerdict> all = EngineVerdicts::registry().verdicts();
  REQUIRE(all.size() == engines_of_build(torch::kCPU, OrtProvider::Cpu).size());
  for (const EngineVerdict& v : all) {
    if (v.right) CHECK(v.max_error <= v.tolerance);
    else WARN("refused on this machine: " << v.reason);
  }
  CHECK(all.front().kind == EngineKind::Eager);
  CHECK(all.front().right);
}

TEST_CASE("oneDNN is given plausible cache sizes, and its sum primitive (a residual add) runs", "[engine][onednn]") {
  const OnednnCacheReport& r = onednn_cache_report();
  INFO(r.describe());
  for (const OnednnCacheLevel& l : r.levels) {
    if (l.onednn >= 4096) CHECK(l.served == l.onednn);  // a plausible answer is never changed
    if (l.level <= 2) CHECK(l.served >= 4096);
  }
  if (r.applies) {  // the process's definition is the one libdnnl's calls reach
    using Fn = unsigned (*)(int);
    const auto fn = reinterpret_cast<Fn>(::dlsym(RTLD_DEFAULT, "_ZN4dnnl4impl3cpu8platform23get_per_core_cache_sizeEi"));
    REQUIRE(fn != nullptr);
    CHECK(fn(1) == r.levels.front().served);
  }
  // ATen's mkldnn_add_out: oneDNN's sum, which divided by zero where L1 read as 1 byte.
  if (!at::hasMKLDNN()) return;
  const torch::Tensor a = torch::randn({1, 48, 14, 14}), b = torch::randn({1, 48, 14, 14});
  CHECK(torch::allclose((a.to_mkldnn() + b.to_mkldnn()).to_dense(), a + b));
}
