#include "ofa/runtime/engine/engine_choice.hpp"

#include "ofa/common/error.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"

namespace ofa::runtime {

std::vector<EngineKind> auto_engines() {
  std::vector<EngineKind> engines{EngineKind::Optimized};
  if (onnxruntime_available()) engines.push_back(EngineKind::OnnxRuntime);
  return engines;
}

std::vector<EngineKind> EngineChoice::engines() const { return automatic ? auto_engines() : std::vector<EngineKind>{kind}; }

std::string EngineChoice::recorded_name() const {
  const std::vector<EngineKind> e = engines();
  return e.size() > 1 ? "auto" : engine_name(e.front());
}

EngineChoice parse_engine_choice(const std::string& text) {
  if (text == "auto") return {true, EngineKind::Optimized};
  return {false, parse_engine(text)};
}

std::size_t fastest_engine(const std::vector<double>& medians_ms) {
  if (medians_ms.empty()) throw common::Error("fastest_engine: no engine was timed");
  std::size_t best = 0;
  for (std::size_t i = 1; i < medians_ms.size(); ++i)
    if (medians_ms[i] < medians_ms[best]) best = i;
  return best;
}

}  // namespace ofa::runtime
