// `ofa-runtime preprocess`: an ImageNet folder through OFA's validation transform, saved as tensors.
#pragma once
#include <filesystem>
#include <string>

namespace ofa::runtime {

// `ofa-runtime preprocess`: an ImageNet folder through OFA's validation transform, written as
// {'images': float32 [N, 3, r, r], 'labels': int64 [N], 'files': [paths relative to the folder]}.
struct PreprocessOptions {
  std::filesystem::path images;   // ImageFolder layout
  int resolution = 224;
  std::filesystem::path out;
  std::string classes;            // class list; default <data dir>/imagenet_classes.txt
  std::string data_dir;           // --data-dir
  int threads = 0;                // decoding threads; 0: the machine's cores
  bool skip_unreadable = false;
};
// Writes `out` atomically; returns a one-line report.
std::string run_preprocess(const PreprocessOptions& options);

}  // namespace ofa::runtime
