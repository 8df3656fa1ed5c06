#include "runtime/commands/preprocess_command.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/images/image_folder.hpp"

namespace ofa::runtime {

using common::Error;

std::string run_preprocess(const PreprocessOptions& o) {
  if (o.resolution < 32 || o.resolution > 1024)
    throw Error("--resolution " + std::to_string(o.resolution) + " is outside 32..1024");
  const std::vector<LabeledImage> list = list_image_folder(o.images, class_list_path(o.classes, o.data_dir));
  const ImageBatch batch = load_eval_batch(list, {o.resolution, decode_threads(o.threads), o.skip_unreadable});
  if (batch.kept.empty()) throw Error(o.images.string() + ": no readable image (" + std::to_string(batch.skipped.size()) + " skipped)");
  c10::List<std::string> files;
  for (std::size_t i : batch.kept) files.push_back(std::filesystem::relative(list[i].file, o.images).generic_string());
  c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
  d.insert("images", batch.images);
  d.insert("labels", batch.labels);
  d.insert("files", files);
  const std::vector<char> bytes = torch::pickle_save(d);
  common::write_file_atomic(o.out, std::string_view(bytes.data(), bytes.size()));
  std::string report = "preprocess: " + std::to_string(batch.kept.size()) + " images at " + std::to_string(o.resolution) + " px written to " +
                       o.out.string();
  if (!batch.skipped.empty()) report += "; " + std::to_string(batch.skipped.size()) + " unreadable skipped (first: " + batch.skipped.front() + ")";
  return report;
}

}  // namespace ofa::runtime
