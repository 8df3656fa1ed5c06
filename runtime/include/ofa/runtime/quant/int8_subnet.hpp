// A subnet as an int8 QDQ model: its activation ranges calibrated on images, then the QDQ rewrite of its ONNX export.
#pragma once
#include <cstdint>
#include <string>

#include "ofa/common/int8_calibration_file.hpp"
#include "ofa/common/reporter.hpp"
#include "ofa/runtime/images/calibration_images.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/quant/activation_ranges.hpp"
#include "ofa/runtime/quant/qdq_model.hpp"

namespace ofa::runtime {

// The ranges of every value of `net`'s ONNX graph (onnx_subnet_bytes, BN folded) over the
// calibration batches, by `method`.
ValueRanges calibrate_subnet(const Subnet& net, const CalibrationBatch& batch, std::size_t count, const RangeMethod& method,
                             const common::Reporter& reporter = {});

// How a network is calibrated for int8: the images (drawn and augmented as for BN
// recalibration: the same flags, the same seeded draw) and the range method.
struct Int8CalibrationOptions {
  CalibrationImagesOptions images;
  RangeMethod method;
  bool fp32_ends = false;
};
// calibrate_subnet over `images` (already drawn with options.images) at the subnet's
// resolution: the ranges and the setup that made them (what a calibration file holds).
common::Int8Calibration calibrate_int8(const Subnet& net, const CalibrationImages& images, const Int8CalibrationOptions& options,
                                       const common::Reporter& reporter = {});

// `net` as a QDQ model (qdq_model_bytes) with those ranges; `batch` as onnx_subnet_bytes' (0: any).
std::string int8_subnet_bytes(const Subnet& net, const ValueRanges& ranges, const QdqOptions& options = {}, std::int64_t batch = 0);

}  // namespace ofa::runtime
