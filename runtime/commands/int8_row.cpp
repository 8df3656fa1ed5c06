#include "runtime/commands/int8_row.hpp"

#include "ofa/common/files.hpp"
#include "ofa/common/int8_calibration_file.hpp"

namespace ofa::runtime {

Int8Row calibrate_int8_row(const Subnet& net, int id, const CalibrationImages& images, const Int8CalibrationOptions& options,
                           const std::filesystem::path& out, const torch::Device& device, OrtProvider provider, const common::CancelFlag& cancel) {
  const common::Int8Calibration cal = calibrate_int8(net, images, options, common::Reporter({}, {}, cancel));
  const std::string file = out.stem().string() + "_int8/cand_" + std::to_string(id) + ".yaml";
  common::write_file_atomic(out.parent_path() / file, common::format_int8_calibration_yaml(cal));
  Engine engine = Engine::from_onnx(int8_subnet_bytes(net, cal.ranges, QdqOptions{cal.setup.fp32_ends}), net.arch(), device, provider,
                                    "candidate " + std::to_string(id) + " (int8)");
  return {std::move(engine), file};
}

}  // namespace ofa::runtime
