// ImageNet folders (DIR/<wnid>/<image>) and the class list that numbers their classes.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace ofa::runtime {

// The class list a command uses: `classes` when given, else the data folder's imagenet_classes.txt.
std::filesystem::path class_list_path(const std::string& classes, const std::string& data_dir);

// The class list: line i is `wnid<TAB>name` (or just `wnid`), class index i.
std::vector<std::string> read_class_list(const std::filesystem::path& file);

struct LabeledImage {
  std::filesystem::path file;
  int label = 0;  // the folder's wnid's line in the class list
};

// torchvision's ImageFolder over `dir/<wnid>/...`: class folders sorted, files (in
// subfolders too) sorted within each, those named .jpg/.jpeg/.png in any case (others are
// not images to ImageFolder and are skipped). The label is the folder's position in the
// class list, not among the folders present, so a subset keeps the model's indices.
// Errors (one line, naming the path): not a folder, no class folder, a folder not in the
// list, an empty class folder, an image format we do not decode (.bmp, .webp...).
std::vector<LabeledImage> list_image_folder(const std::filesystem::path& dir, const std::filesystem::path& class_list);

}  // namespace ofa::runtime
