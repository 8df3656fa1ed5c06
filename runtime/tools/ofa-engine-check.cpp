// ofa-engine-check: the child process in which engines prove themselves on a machine
// (engine_check.hpp). Run by the runtime (engine_verdicts.hpp), not by people, though it can be:
//   ofa-engine-check [--device cpu|cuda[:N]] [--ort-provider cpu|cuda|tensorrt] ENGINE...
// For each engine it prints "checking ENGINE", then
//   "verdict ENGINE right|wrong MAX_ERROR TOLERANCE SECONDS CALLS FIRST_WRONG_CALL".
// A crash or a hang here is the parent's verdict on the engine it was checking. Exits 0, 2 for a
// bad command line, 3 when an engine cannot even be built (the message on stderr).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "ofa/runtime/engine/engine_check.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "ofa/runtime/measure/device_options.hpp"

namespace {

constexpr const char* kUsage =
    "usage: ofa-engine-check [--device cpu|cuda[:N]] [--ort-provider cpu|cuda|tensorrt] ENGINE...\n"
    "Builds a known network on each ENGINE (eager, optimized, onnxruntime, llga) as a served level is built, and compares\n"
    "its logits after the warm-up with a float64 reference. The runtime runs this once per machine (docs/engines.md).\n";

int check(const std::string& name, const torch::Device& device, ofa::runtime::OrtProvider provider) {
  using namespace ofa::runtime;
  std::printf("checking %s\n", name.c_str());
  std::fflush(stdout);
  const EngineCheckOutcome o = check_engine(parse_engine(name), device, provider);
  std::printf("verdict %s %s %.6g %.6g %.3f %d %d\n", name.c_str(), o.right ? "right" : "wrong", o.max_error, o.tolerance, o.seconds, o.calls,
              o.first_wrong);
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string device = "cpu", provider = "cpu";
  std::vector<std::string> engines;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if ((a == "--device" || a == "--ort-provider") && i + 1 < argc) {
      (a == "--device" ? device : provider) = argv[++i];
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "ofa-engine-check: unknown option '%s'\n%s", a.c_str(), kUsage);
      return 2;
    } else {
      engines.push_back(a);
    }
  }
  if (engines.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string current;
  try {
    ofa::runtime::EngineVerdicts::registry().trust_all();  // this process is the check
    const torch::Device d = ofa::runtime::parse_device(device);
    const ofa::runtime::OrtProvider p = ofa::runtime::parse_ort_provider(provider);
    for (const std::string& e : engines) {
      current = e;
      check(e, d, p);
    }
  } catch (const c10::Error& e) {
    std::fprintf(stderr, "ofa-engine-check: %s%s\n", current.empty() ? "" : (current + ": ").c_str(), e.what_without_backtrace());
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ofa-engine-check: %s%s\n", current.empty() ? "" : (current + ": ").c_str(), e.what());
    return 3;
  }
  return 0;
}
