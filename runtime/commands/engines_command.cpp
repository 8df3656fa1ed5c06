#include "runtime/commands/engines_command.hpp"

#include <chrono>
#include <cstdio>

#include "ofa/common/number_format.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/engine_verdicts.hpp"
#include "ofa/runtime/engine/onednn_cache_sizes.hpp"
#include "ofa/runtime/measure/device_options.hpp"

namespace ofa::runtime {

namespace {

std::string row(const std::string& engine, const std::string& verdict, const std::string& error, const std::string& tol,
                const std::string& seconds) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%-12s %-8s %-10s %-10s %s", engine.c_str(), verdict.c_str(), error.c_str(), tol.c_str(), seconds.c_str());
  return buf;
}

}  // namespace

std::string run_engines(const EnginesOptions& o, const common::Reporter& reporter) {
  const torch::Device device = parse_device(o.device);
  const OrtProvider provider = parse_ort_provider(o.ort_provider);
  check_ort_provider_device(provider, device);
  EngineVerdicts& registry = EngineVerdicts::registry();
  if (o.recheck) {  // this process checks again (and later ones read what it writes)
    EngineCheckSettings s = registry.settings();
    s.recheck = true;
    registry.configure(s);
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<EngineVerdict> verdicts = registry.verdicts(device, provider);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.recheck) {
    EngineCheckSettings s = registry.settings();
    s.recheck = false;
    registry.configure(s);
    verdicts = registry.verdicts(device, provider);  // as every later use reads them
    reporter.note("engines: checked again in " + common::format_fixed(wall, 1) + " s; later processes read these verdicts");
  }

  std::string out = row("engine", "verdict", "max_error", "tolerance", "check_s") + "\n";
  double total = 0;
  for (const EngineVerdict& v : verdicts) {
    total += v.check_seconds;
    out += row(engine_name(v.kind), v.right ? "right" : "refused", common::format_g(v.max_error, 3), common::format_g(v.tolerance, 3),
               common::format_fixed(v.check_seconds, 2)) + "\n";
  }
  for (const EngineVerdict& v : verdicts)
    if (!v.right) out += "refused: " + v.reason + "\n";
  out += "auto chooses among:";
  const std::vector<EngineKind> contenders = auto_engines(device, provider);
  for (EngineKind k : contenders) out += std::string(" ") + engine_name(k);
  out += contenders.empty() ? " none\n" : "\n";
  for (const auto& [key, value] : registry.machine_key(device, provider)) out += "machine." + key + ": " + value + "\n";
  out += onednn_cache_report().describe() + "\n";
  out += "the engines' checks took " + common::format_fixed(total, 1) + " s" +
         (o.recheck ? " (" + common::format_fixed(wall, 1) + " s with the check programs' start)" : "") + "; kept in " +
         registry.cache_file(device, provider).string() + "\n";
  return out;
}

}  // namespace ofa::runtime
