#include "fuzz_target.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/candidates_file.hpp"
#include "ofa/common/dynamic_ofa_levels.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/common/state_dict_file.hpp"
#include "ofa/common/torch_file.hpp"
#include "ofa/runtime/images/image_decoder.hpp"
#include "ofa/runtime/images/image_transforms.hpp"

namespace ofa::fuzz {

namespace {

// The readers take paths: each input goes to one file per process, rewritten every run.
std::filesystem::path input_file(const std::string& name, std::string_view bytes) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("ofa-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// Touches every value of what the reader returned, so that a view it handed out past its
// bytes is read (and caught by the sanitizer) here rather than later in a user's program.
void walk(const common::SavedObject& o, int depth = 0) {
  if (depth > 100) return;
  if (o.kind == common::SavedObject::Kind::Tensor && o.tensor.numel() <= (1 << 20)) (void)o.tensor.to_double();
  for (const auto& k : o.keys) walk(k, depth + 1);
  for (const auto& i : o.items) walk(i, depth + 1);
}

}  // namespace

const std::vector<std::string>& target_names() {
  static const std::vector<std::string> names = {"profile", "arch", "lut", "candidates", "measured", "library", "torch_file", "image", "pickle"};
  return names;
}

std::optional<Target> parse_target(std::string_view name) {
  const auto& n = target_names();
  for (std::size_t i = 0; i < n.size(); ++i)
    if (n[i] == name) return static_cast<Target>(i);
  return std::nullopt;
}

void run_one(Target target, std::string_view bytes) {
  try {
    switch (target) {
      case Target::Profile:
        (void)common::load_profile(input_file("profile.yaml", bytes));
        break;
      case Target::Arch:
        (void)common::read_archs(input_file("arch.yaml", bytes), common::search_space("ofa-mbv3-w1.2"));
        break;
      case Target::Lut: {
        // The extension picks the parser: JSON for what looks like an object, YAML otherwise.
        const bool json = bytes.find_first_not_of(" \t\r\n") != std::string_view::npos && bytes[bytes.find_first_not_of(" \t\r\n")] == '{';
        (void)common::read_lut_file(input_file(json ? "160_lookup_table.json" : "160_lookup_table.yaml", bytes));
        break;
      }
      case Target::Candidates:
        (void)common::read_candidates(input_file("candidates.yaml", bytes));
        break;
      case Target::Measured:
        (void)common::read_measured(input_file("measured.yaml", bytes));
        break;
      case Target::Library:
        (void)common::read_library(input_file("library.yaml", bytes));
        break;
      case Target::TorchFile: {
        const common::SavedObject o = common::parse_torch_file(std::make_shared<const std::string>(bytes), "input.pt");
        walk(o);
        try {
          (void)common::to_state_dict(o, "input.pt");
        } catch (const common::Error&) {
        }
        break;
      }
      case Target::Pickle: {
        // A plain pickle as data (numpy arrays, records, storages inside bytes), then as
        // Dynamic-OFA's level file.
        walk(common::parse_pickle(std::make_shared<const std::string>(bytes), "input.pickle"));
        (void)common::read_dynamic_ofa_levels(input_file("input.pickle", bytes), common::search_space("ofa-mbv3-w1.2"));
        break;
      }
      case Target::Image: {
        // Decoded, then through both transforms at a small size (a small image is upscaled;
        // an empty or impossibly thin one is an Error like any other).
        const runtime::RgbImage image = runtime::decode_image(bytes, "input.jpg");
        if (static_cast<double>(image.width) * image.height <= 4096.0 * 4096.0) {
          (void)runtime::eval_crop(image, 32, "input.jpg");
          (void)runtime::train_augment(image, 32, 1);
        }
        break;
      }
    }
  } catch (const common::Error&) {
    // Rejected with a one-line error: what bad input must get.
  }
}

}  // namespace ofa::fuzz
