// Running the engine check program (ofa-engine-check) as child processes and reading its report
// into verdicts: a child that dies or hangs is the verdict on the engine it was checking.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "ofa/runtime/engine/engine_verdicts.hpp"

namespace ofa::runtime {

// Checks `engines` on `device` with `checker` (settings: its leading arguments, time limit) until
// each has a verdict. Verdicts that say nothing about the engine (the checker could not start,
// failed before checking any engine, ran past its limit or was killed from outside) come back
// with `kept` false: they refuse the engine in this process but are not written down.
std::vector<EngineVerdict> run_engine_checks(const std::filesystem::path& checker, const EngineCheckSettings& settings,
                                             std::vector<EngineKind> engines, const torch::Device& device, OrtProvider provider);

// A refusal of `kind` on `device`: the reason is "<engine>: <why>"; `kept` as above.
EngineVerdict refused_verdict(EngineKind kind, const torch::Device& device, const std::string& why, bool kept);

// One line of the checker's report, "verdict NAME right|wrong MAX TOL SECONDS CALLS FIRST_WRONG",
// read into `v` when NAME is one of `engines`; false for any other line.
bool read_verdict_line(const std::string& line, const std::vector<EngineKind>& engines, const torch::Device& device, EngineVerdict& v);

}  // namespace ofa::runtime
