// Activation ranges calibrated by running the float32 model over images: min/max, or a percentile that clips outliers.
#pragma once
#include <cstddef>
#include <functional>
#include <string>

#include <torch/torch.h>

#include "ofa/common/reporter.hpp"
#include "ofa/runtime/quant/onnx_evaluator.hpp"
#include "ofa/runtime/quant/qdq_model.hpp"

namespace ofa::runtime {

// How a value's range is taken from what calibration saw.
//  - minmax: the smallest and largest value (ONNX Runtime's default);
//  - percentile: the two tails beyond `percentile` % of the values cut off, half each side,
//    read from a histogram of 4096 bins between the minimum and maximum (a second pass).
struct RangeMethod {
  std::string name = "percentile";
  double percentile = 99.99;
};
// "minmax" | "percentile"; a percentile outside (50, 100]: Error naming the flag.
void check_range_method(const RangeMethod& method);

// Batch i of `count` calibration batches (decoded on demand: percentile reads them twice).
using CalibrationBatch = std::function<torch::Tensor(std::size_t i)>;

// Every value of `model` (the graph's input and each node's output), over the batches.
// Error when a value is NaN or infinite on some batch (a network that overflows is not
// quantized silently). Progress and Ctrl-C through `reporter` (task "calibrate").
ValueRanges calibrate_ranges(const OnnxEvaluator& model, const CalibrationBatch& batch, std::size_t count, const RangeMethod& method,
                             const common::Reporter& reporter = {});

}  // namespace ofa::runtime
