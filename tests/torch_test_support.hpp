// What the LibTorch tests share: the golden supernet and cases.
#pragma once
// Shared by the tests that link LibTorch.
#include "ofa/common/search_space.hpp"
#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/torch_file.hpp"
#include "ofa/runtime/engine/state_dict.hpp"
#include "ofa/runtime/engine/tensor_io.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/common/library_file.hpp"
#include "test_support.hpp"

namespace ofa::test {

inline const common::SearchSpace& w12() {
  static const common::SearchSpace s = common::search_space("ofa-mbv3-w1.2");
  return s;
}

// The golden fixtures' supernet, loaded once.
inline const runtime::Supernet& golden_supernet() {
  static const runtime::Supernet s = runtime::Supernet::load(data_dir() / "golden/supernet_fp16.pt", w12());
  return s;
}

using runtime::save_state_dict;

// One case of golden/cases_public.pt: input, OFA's logits and the recalibrated BN statistics.
struct GoldenCase {
  torch::Tensor input;
  torch::Tensor logits;
  runtime::StateDict bn;
};

// golden/cases_public.pt, read with the torch-free reader, by case name.
inline const std::map<std::string, GoldenCase>& golden_cases() {
  static const std::map<std::string, GoldenCase> cases = [] {
    const std::filesystem::path file = data_dir() / "golden/cases_public.pt";
    const common::SavedObject root = common::read_torch_file(file);
    std::map<std::string, GoldenCase> out;
    for (std::size_t i = 0; i < root.keys.size(); ++i) {
      const common::SavedObject& c = root.items[i];
      const std::string name = root.keys[i].text;
      out[name] = GoldenCase{runtime::to_torch(c.find("input")->tensor), runtime::to_torch(c.find("logits")->tensor),
                             runtime::torch_state_dict(*c.find("bn"), file.string() + " " + name)};
    }
    return out;
  }();
  return cases;
}

struct GoldenLibrary {
  ofa::common::LibraryFile library;
  std::vector<std::string> names;
};

// The golden cases as a library (fake, increasing latencies and accuracies), each level with
// its BN statistics file in `dir`.
inline GoldenLibrary golden_library(const std::filesystem::path& dir) {
  const auto archs = common::read_archs(data_dir() / "golden/cases_public.yaml", w12());
  GoldenLibrary g;
  g.library.space = "ofa-mbv3-w1.2";
  g.library.device = "cpu";
  g.library.weights = (data_dir() / "golden/supernet_fp16.pt").string();
  g.library.accuracy_source = "predicted";
  for (std::size_t i = 0; i < archs.size(); ++i) {
    ofa::common::Level l;
    l.arch = archs[i].arch;
    l.accuracy = 0.70 + 0.01 * static_cast<double>(i);
    l.latency_median_ms = l.latency_p90_ms = 10.0 * static_cast<double>(i + 1);
    l.bn = archs[i].name + "_bn.pt";
    save_state_dict(dir / l.bn, golden_cases().at(archs[i].name).bn);
    g.library.levels.push_back(l);
    g.names.push_back(archs[i].name);
  }
  return g;
}

}  // namespace ofa::test
