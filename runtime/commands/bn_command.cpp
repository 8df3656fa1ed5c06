#include "runtime/commands/bn_command.hpp"

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/images/calibration_images.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/images/image_folder.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/runtime/engine/tensor_io.hpp"
#include "ofa/runtime/engine/bn_recalibration.hpp"

namespace ofa::runtime {

using common::Error;

namespace {

// The tensor's batches, checked against the architecture.
std::vector<torch::Tensor> tensor_batches(const BnOptions& o, const common::ArchConfig& arch) {
  const torch::Tensor images = load_tensor(o.tensors);
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != arch.r || images.size(3) != arch.r || images.size(0) < 1)
    throw Error(o.tensors.string() + ": has shape " + c10::str(images.sizes()) + ", expected [N, 3, " + std::to_string(arch.r) + ", " +
                std::to_string(arch.r) + "] (N >= 1) for " + o.arch.string());
  if (!images.is_floating_point()) throw Error(o.tensors.string() + ": holds " + std::string(c10::toString(images.scalar_type())) + ", not floating point images");
  if (!torch::isfinite(images).all().item<bool>()) throw Error(o.tensors.string() + ": holds NaN or infinite values");
  std::vector<torch::Tensor> batches;
  for (std::int64_t start = 0; start < images.size(0); start += o.batch_size)
    batches.push_back(images.narrow(0, start, std::min<std::int64_t>(o.batch_size, images.size(0) - start)));
  return batches;
}

}  // namespace

std::string run_bn(const BnOptions& o, const common::Reporter& reporter) {
  if (o.batch_size < 1) throw Error("--calib-batch " + std::to_string(o.batch_size) + " must be at least 1");
  if (o.tensors.empty() == o.images.empty()) throw Error("give the calibration images as either --tensors or --calib-images");
  const common::SearchSpace space = common::search_space(o.space);
  const auto archs = common::read_archs(o.arch, space);
  if (archs.size() != 1)
    throw Error(o.arch.string() + ": holds " + std::to_string(archs.size()) + " architectures; give a file with one");
  const common::ArchConfig& arch = archs.front().arch;
  std::vector<torch::Tensor> batches;
  std::optional<CalibrationImages> folder;
  if (!o.tensors.empty()) {
    batches = tensor_batches(o, arch);
  } else {
    folder.emplace(CalibrationImagesOptions{o.images, class_list_path(o.classes, o.data_dir), o.count, o.batch_size, o.seed,
                                            decode_threads(o.threads), o.skip_unreadable});
  }
  const Supernet supernet = o.weights ? Supernet::load(*o.weights, space) : Supernet::random(space, o.seed);
  const Subnet subnet = Subnet::from_supernet(space, arch, supernet);
  BnStatistics stats;
  std::size_t images = 0, skipped = 0, batch_count = 0;
  if (!folder) {
    for (const torch::Tensor& b : batches) {
      subnet.forward_collecting_bn(b, stats);
      images += static_cast<std::size_t>(b.size(0));
    }
    batch_count = batches.size();
  } else {
    for (std::size_t i = 0; i < folder->batch_count(); ++i) {
      reporter.cancel().check();
      const ImageBatch b = folder->batch(i, arch.r);
      skipped += b.skipped.size();
      if (b.kept.empty()) continue;
      subnet.forward_collecting_bn(b.images, stats);
      images += b.kept.size();
      ++batch_count;
      reporter.progress("bn", static_cast<double>(i + 1) / static_cast<double>(folder->batch_count()),
                      std::to_string(images) + " images");
    }
    reporter.done("bn");
    if (images == 0) throw Error(o.images.string() + ": no readable calibration image");
  }
  const StateDict bn = stats.state_dict();
  save_state_dict(o.out, bn);
  std::string report = "bn: " + std::to_string(bn.size() / 2) + " BatchNorm layers recalibrated on " + std::to_string(images) + " images in " +
                       std::to_string(batch_count) + " batches (" + supernet.source() + "), written to " + o.out.string();
  if (folder && folder->folder_size() < static_cast<std::size_t>(o.count))
    report += "; the folder holds only " + std::to_string(folder->folder_size()) + " images, all used";
  if (skipped) report += "; " + std::to_string(skipped) + " unreadable images skipped";
  return report;
}

}  // namespace ofa::runtime
