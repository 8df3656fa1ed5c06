// Classifies images with a bundle's levels under the adaptive policy, one line per frame:
//   ofa-classify BUNDLE IMAGES [--classes imagenet_classes.txt] [--target MS] [--device cpu]
// IMAGES is a folder (searched recursively for .jpg/.jpeg/.png) or one image file.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <ofa/runtime.hpp>

namespace fs = std::filesystem;

namespace {

struct Args {
  fs::path bundle, images, classes;
  double target_ms = 0;  // 0: the bundle's most accurate level's latency
  std::string device = "cpu";
};

Args parse(int argc, char** argv) {
  Args a;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--classes") a.classes = value();
    else if (arg == "--target") a.target_ms = std::stod(value());
    else if (arg == "--device") a.device = value();
    else if (!arg.empty() && arg[0] == '-') throw std::runtime_error("unknown option " + arg);
    else positional.push_back(arg);
  }
  if (positional.size() != 2) throw std::runtime_error("usage: ofa-classify BUNDLE IMAGES [--classes FILE] [--target MS] [--device DEV]");
  a.bundle = positional[0];
  a.images = positional[1];
  return a;
}

// Line i of the class list: "wnid<TAB>name" (or a bare wnid).
std::vector<std::string> class_names(const fs::path& file) {
  std::vector<std::string> names;
  if (file.empty()) return names;
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  for (std::string line; std::getline(in, line);) names.push_back(line.substr(line.find('\t') == std::string::npos ? 0 : line.find('\t') + 1));
  return names;
}

std::vector<fs::path> image_files(const fs::path& where) {
  if (fs::is_regular_file(where)) return {where};
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(where)) {
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (e.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse(argc, argv);
    ofa::runtime::AdaptiveOptions options;
    options.device = args.device;
    options.policy.target_ms = args.target_ms;
    auto net = ofa::runtime::AdaptiveNetwork::load_bundle(args.bundle, options);
    const std::vector<std::string> names = class_names(args.classes);
    std::printf("%zu levels, target %.3g ms\n", net.levels(), net.manager().target_ms());
    for (const fs::path& file : image_files(args.images)) {
      // Each frame at the resolution of the level that will run it.
      const int r = net.resolution();
      torch::Tensor x = torch::empty({1, 3, r, r});
      ofa::runtime::normalize_to_chw(ofa::runtime::eval_crop(ofa::runtime::read_image(file), r, file.string()), x.data_ptr<float>());
      const int cls = static_cast<int>(net.infer(x).argmax(1).item<std::int64_t>());
      const ofa::runtime::FrameRecord& f = net.last_frame();
      const std::string name = cls < static_cast<int>(names.size()) ? names[static_cast<std::size_t>(cls)] : "class " + std::to_string(cls);
      std::printf("%s\t%s\tlevel %d\t%.2f ms%s\n", file.filename().c_str(), name.c_str(), f.level, f.latency_ms, f.switched ? "\t(switched)" : "");
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ofa-classify: error: %s\n", ofa::common::first_line(e.what()).c_str());
    return 2;
  }
}
