// An int8 row of a measured file, as `ofa-measure latency` and `accuracy` make it: calibrated, its file written, its QDQ model built.
#pragma once
#include <filesystem>
#include <string>

#include "ofa/common/cancel_flag.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/quant/int8_subnet.hpp"

namespace ofa::runtime {

struct Int8Row {
  Engine engine;     // the QDQ model on ONNX Runtime
  std::string file;  // its calibration file, relative to the output's folder
};

// Candidate `id`'s subnet calibrated on `images` (drawn with options.images), the calibration
// written to <out stem>_int8/cand_<id>.yaml beside `out` (atomically), and its QDQ model built
// on ONNX Runtime on `device` / `provider`. Ctrl-C through `cancel`.
Int8Row calibrate_int8_row(const Subnet& net, int id, const CalibrationImages& images, const Int8CalibrationOptions& options,
                           const std::filesystem::path& out, const torch::Device& device, OrtProvider provider, const common::CancelFlag& cancel);

}  // namespace ofa::runtime
