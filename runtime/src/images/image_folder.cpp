#include "ofa/runtime/images/image_folder.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"

namespace ofa::runtime {

std::filesystem::path class_list_path(const std::string& classes, const std::string& data_dir) {
  if (!classes.empty()) return classes;
  return common::resolve_data_dir(data_dir) / "imagenet_classes.txt";
}


using common::Error;
namespace fs = std::filesystem;

std::vector<std::string> read_class_list(const fs::path& file) {
  if (!fs::is_regular_file(file)) throw Error(file.string() + ": class list not found");
  std::istringstream in(common::read_file(file));
  std::vector<std::string> wnids;
  std::map<std::string, int> seen;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string wnid = line.substr(0, line.find_first_of("\t "));
    if (wnid.empty()) throw Error(file.string() + ":" + std::to_string(line_no) + ": empty line in the class list");
    if (!seen.emplace(wnid, line_no).second)
      throw Error(file.string() + ":" + std::to_string(line_no) + ": class '" + wnid + "' repeats line " + std::to_string(seen[wnid]));
    wnids.push_back(wnid);
  }
  if (wnids.empty()) throw Error(file.string() + ": empty class list");
  return wnids;
}

namespace {

std::string lower_extension(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}

}  // namespace

std::vector<LabeledImage> list_image_folder(const fs::path& dir, const fs::path& class_list) {
  const std::vector<std::string> wnids = read_class_list(class_list);
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < wnids.size(); ++i) index.emplace(wnids[i], static_cast<int>(i));
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir.string() + ": not a folder of images");
  std::vector<std::string> classes;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.is_directory()) classes.push_back(e.path().filename().string());
  std::sort(classes.begin(), classes.end());
  if (classes.empty()) throw Error(dir.string() + ": holds no class folder (expected DIR/<wnid>/<image>)");
  std::vector<LabeledImage> images;
  for (const std::string& c : classes) {
    const auto it = index.find(c);
    if (it == index.end()) throw Error((dir / c).string() + ": folder '" + c + "' is not a class of " + class_list.string());
    // (folder relative to the class folder, file name): os.walk's sorted order.
    std::vector<std::pair<std::string, std::string>> files;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir / c, fs::directory_options::follow_directory_symlink)) {
      if (!e.is_regular_file()) continue;
      const std::string ext = lower_extension(e.path());
      if (ext == ".jpg" || ext == ".jpeg" || ext == ".png") {
        files.emplace_back(fs::relative(e.path().parent_path(), dir / c).string(), e.path().filename().string());
      } else if (ext == ".ppm" || ext == ".bmp" || ext == ".pgm" || ext == ".tif" || ext == ".tiff" || ext == ".webp") {
        throw Error(e.path().string() + ": " + ext + " images are not supported (JPEG and PNG are)");
      }
    }
    if (files.empty()) throw Error((dir / c).string() + ": class folder holds no image");
    std::sort(files.begin(), files.end());
    for (const auto& [sub, name] : files) images.push_back({sub == "." ? dir / c / name : dir / c / sub / name, it->second});
  }
  return images;
}

}  // namespace ofa::runtime
