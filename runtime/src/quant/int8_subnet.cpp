#include "ofa/runtime/quant/int8_subnet.hpp"

#include "ofa/runtime/engine/onnx_subnet.hpp"

namespace ofa::runtime {

ValueRanges calibrate_subnet(const Subnet& net, const CalibrationBatch& batch, std::size_t count, const RangeMethod& method,
                             const common::Reporter& reporter) {
  const OnnxEvaluator graph(onnx_subnet_bytes(net, 0));
  return calibrate_ranges(graph, batch, count, method, reporter);
}

common::Int8Calibration calibrate_int8(const Subnet& net, const CalibrationImages& images, const Int8CalibrationOptions& o,
                                       const common::Reporter& reporter) {
  common::Int8Calibration c;
  c.setup = {o.method.name, o.method.percentile, o.fp32_ends, o.images.dir.string(), static_cast<int>(images.image_count()), o.images.seed};
  const int r = net.arch().r;
  c.ranges = calibrate_subnet(net, [&](std::size_t i) { return images.batch(i, r).images; }, images.batch_count(), o.method, reporter);
  return c;
}

std::string int8_subnet_bytes(const Subnet& net, const ValueRanges& ranges, const QdqOptions& options, std::int64_t batch) {
  return qdq_model_bytes(onnx_subnet_bytes(net, batch), ranges, options);
}

}  // namespace ofa::runtime
