#include "ofa/runtime/engine/engine_check_runner.hpp"

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "ofa/common/child_process.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/runtime/engine/machine_identity.hpp"

namespace ofa::runtime {

namespace {

// The engine of `engines` named `name`, or nullptr (a line from another build's checker).
const EngineKind* named(const std::string& name, const std::vector<EngineKind>& engines) {
  const auto it = std::find_if(engines.begin(), engines.end(), [&name](EngineKind k) { return name == engine_name(k); });
  return it == engines.end() ? nullptr : &*it;
}

// strtod, which reads "inf" and "nan" (an engine that answered NaN) where operator>> does not.
bool number(std::istringstream& in, double& out) {
  std::string word;
  if (!(in >> word)) return false;
  char* end = nullptr;
  out = std::strtod(word.c_str(), &end);
  return end && *end == '\0';
}

std::string wrong_reason(const EngineVerdict& v, int calls, int first_wrong) {
  return std::string(engine_name(v.kind)) + ": logits " + common::format_g(v.max_error, 3) + " off the float64 reference (tolerance " +
         common::format_g(v.tolerance, 2) + ") from call " + std::to_string(first_wrong + 1) + " of " + std::to_string(calls) +
         " after its warm-up, on this CPU (" + cpu_identity() + ") with " + engine_stack(v.kind == EngineKind::OnnxRuntime);
}

// The last non-empty line of a child's stderr (its error), cut to a readable length.
std::string last_line(const std::string& text) {
  std::istringstream lines(text);
  std::string last;
  for (std::string line; std::getline(lines, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last.size() > 300 ? last.substr(0, 300) + "..." : last;
}


// Signals that come from outside the engine (a user, the OOM killer, a shutdown): no verdict.
bool from_outside(int signal) { return signal == SIGINT || signal == SIGTERM || signal == SIGHUP || signal == SIGKILL || signal == SIGQUIT; }

// What one child's end says about `culprit`, the engine it was checking when it stopped.
EngineVerdict child_ended(const common::ChildResult& child, double timeout_s, EngineKind culprit, const torch::Device& device) {
  if (child.signal != 0 && !child.timed_out)
    return refused_verdict(culprit, device,
                   "its check " + child.how_it_ended(timeout_s) + " on this CPU (" + cpu_identity() + ") with " +
                       engine_stack(culprit == EngineKind::OnnxRuntime),
                   !from_outside(child.signal));
  if (child.timed_out) return refused_verdict(culprit, device, "its check " + child.how_it_ended(timeout_s), false);
  const std::string err = last_line(child.err);
  return refused_verdict(culprit, device, "its check " + child.how_it_ended(timeout_s) + (err.empty() ? " without a verdict" : ": " + err), true);
}

}  // namespace

EngineVerdict refused_verdict(EngineKind kind, const torch::Device& device, const std::string& why, bool kept) {
  EngineVerdict v;
  v.kind = kind;
  v.device = device.str();
  v.reason = std::string(engine_name(kind)) + ": " + why;
  v.kept = kept;
  return v;
}

bool read_verdict_line(const std::string& line, const std::vector<EngineKind>& engines, const torch::Device& device, EngineVerdict& v) {
  std::istringstream w(line);
  std::string tag, name, outcome;
  if (!(w >> tag >> name >> outcome) || tag != "verdict" || (outcome != "right" && outcome != "wrong")) return false;
  const EngineKind* kind = named(name, engines);
  if (!kind) return false;
  v = EngineVerdict{};
  v.kind = *kind;
  v.device = device.str();
  int calls = 0, first_wrong = -1;
  if (!number(w, v.max_error) || !number(w, v.tolerance) || !number(w, v.check_seconds) || !(w >> calls >> first_wrong)) return false;
  v.right = outcome == "right";
  if (!v.right) v.reason = wrong_reason(v, calls, first_wrong);
  return true;
}

std::vector<EngineVerdict> run_engine_checks(const std::filesystem::path& checker, const EngineCheckSettings& s, std::vector<EngineKind> engines,
                                             const torch::Device& device, OrtProvider provider) {
  std::vector<EngineVerdict> out;
  while (!engines.empty()) {
    std::vector<std::string> argv{checker.string()};
    argv.insert(argv.end(), s.checker_args.begin(), s.checker_args.end());
    argv.insert(argv.end(), {"--device", device.str(), "--ort-provider", ort_provider_name(provider)});
    for (EngineKind k : engines) argv.emplace_back(engine_name(k));
    const common::ChildResult child = common::run_child(argv, s.timeout_s);
    // Verdicts as they came, and the engine it started last without finishing.
    // (a kind and a flag, not std::optional: GCC 12 warns on optional<enum> here, wrongly)
    EngineKind started = EngineKind::Eager;
    bool has_started = false;
    std::istringstream lines(child.out);
    for (std::string line; std::getline(lines, line);) {
      EngineVerdict v;
      if (read_verdict_line(line, engines, device, v)) {
        out.push_back(v);
        engines.erase(std::find(engines.begin(), engines.end(), v.kind));
        has_started = false;
      } else if (line.rfind("checking ", 0) == 0) {
        if (const EngineKind* k = named(line.substr(9), engines)) started = *k, has_started = true;
      }
    }
    if (engines.empty()) break;
    if (!has_started || !child.started) {  // it never got to an engine: nothing is known of any
      const std::string why = child.started ? "not checked: the check " + child.how_it_ended(s.timeout_s) + " before checking any engine" +
                                                  (last_line(child.err).empty() ? "" : " (" + last_line(child.err) + ")")
                                            : "not checked: the check " + child.how_it_ended(s.timeout_s);
      for (EngineKind k : engines) out.push_back(refused_verdict(k, device, why, false));
      break;
    }
    out.push_back(child_ended(child, s.timeout_s, started, device));
    engines.erase(std::find(engines.begin(), engines.end(), started));
  }
  return out;
}

}  // namespace ofa::runtime
