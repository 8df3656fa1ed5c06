// The check every engine passes on a machine before it serves or is timed there: a known network,
// built and warmed exactly as a level is, its logits compared with a float64 reference on every
// call after the warm-up (an engine can be right cold and wrong warm: oneDNN Graph's fused
// kernels take over after its first calls). Run in a child process (ofa-engine-check), so that an
// engine that crashes takes only the check down; engine_verdicts.hpp runs it and keeps the result.
#pragma once
#include <functional>
#include <string>

#include <torch/torch.h>

#include "ofa/common/arch_config.hpp"
#include "ofa/runtime/engine/engine.hpp"

namespace ofa::runtime {

struct EngineCheckOutcome {
  bool right = true;
  double max_error = 0;     // largest |logit - reference| over every checked call
  double tolerance = 0;     // what was allowed
  int calls = 0;            // checked calls
  int first_wrong = -1;     // index of the first call off by more than the tolerance (-1: none)
  double seconds = 0;       // build, warm-up and checked calls
};

// The check network: every kernel size, expand ratio and depth of the OFA MobileNetV3 space
// (residual adds, squeeze-excite, h-swish), at 160 px.
common::ArchConfig check_arch();

// Allowed |error| for logits whose reference's largest magnitude is `scale`: float32 kernels
// reorder sums, so the bound is relative (2e-4 of the scale, at least 2e-4).
double check_tolerance(double scale);

// Calls `forward` on `input` `calls` times and compares each answer with `reference`.
EngineCheckOutcome compare_calls(const std::function<torch::Tensor(const torch::Tensor&)>& forward, const torch::Tensor& input,
                                 const torch::Tensor& reference, int calls, double tolerance);

// Builds check_arch() on `kind` from seeded random supernet weights on `device` (with the
// warm-up a served level gets), then checks 8 calls at batch 1 and 3 at batch 2 against the
// same subnet in float64 on the CPU. Error if the engine cannot be built at all.
EngineCheckOutcome check_engine(EngineKind kind, const torch::Device& device = torch::kCPU, OrtProvider provider = OrtProvider::Cpu);

}  // namespace ofa::runtime
