// bench-images: images per second of the accuracy pipeline on this machine, side by side in
// one run with rounds interleaved:
//   decode     JPEG decoding + OFA's validation transform + normalisation (no network)
//   pipeline   the same, plus the network (our optimized engine), batch b+1 decoding while
//              the network runs on batch b, as `ofa-measure accuracy` does
//   eager      the pipeline with the eager engine (PyTorch-eager speed: what a plain LibTorch
//              port of OFA's evaluation loop runs at)
// at 1 and 2 threads (decoding threads = LibTorch threads), on the shared ImageNet images
// (repeated to --image-count), one w1.2 subnet at r = 224 (the largest, random weights).
//   bench-images [--image-count 200] [--val-batch 50] [--rounds 3] [--data-dir DIR]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "ofa/cli/tool_main.hpp"
#include "ofa/common/build_description.hpp"
#include "ofa/common/files.hpp"
#include "ofa/runtime/engine/machine_identity.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/images/image_folder.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"

using namespace ofa::runtime;

namespace {

double seconds(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Options {
  int image_count = 200, batch = 50, rounds = 3;
  std::string data_dir;
};

// Seconds to run `list` through the pipeline at `threads` (decoding threads = LibTorch
// threads): batch b + 1 decodes while `net` (none: decoding only) runs on batch b.
double pipeline_seconds(const std::vector<LabeledImage>& list, int r, std::size_t batch, int threads, const Engine* net) {
  torch::set_num_threads(threads);
  const ImageBatchOptions o{r, threads, false};
  const std::size_t batches = (list.size() + batch - 1) / batch;
  auto fetch = [&](std::size_t b) {
    const std::size_t first = b * batch, n = std::min(batch, list.size() - first);
    return std::async(std::launch::async, [&, first, n] { return load_eval_batch(std::span(list).subspan(first, n), o); });
  };
  return seconds([&] {
    std::future<ImageBatch> next = fetch(0);
    for (std::size_t b = 0; b < batches; ++b) {
      ImageBatch x = next.get();
      if (b + 1 < batches) next = fetch(b + 1);
      if (net) net->forward(x.images);
    }
  });
}

std::string bench(const Options& o) {
  std::printf("%s", ofa::common::benchmark_header("bench-images", engine_stack(false)).c_str());
  const auto data = ofa::common::resolve_data_dir(o.data_dir);
  const auto shared = list_image_folder(data / "images/val", data / "imagenet_classes.txt");
  std::vector<LabeledImage> list;
  while (static_cast<int>(list.size()) < o.image_count) list.push_back(shared[list.size() % shared.size()]);
  const auto space = ofa::common::search_space("ofa-mbv3-w1.2");
  ofa::common::ArchConfig arch;
  arch.ks.fill(7);
  arch.e.fill(6);
  arch.d.fill(4);
  arch.r = 224;
  const Subnet subnet = Subnet::from_supernet(space, arch, Supernet::random(space, 0));
  const Engine optimized(subnet, EngineKind::Optimized), eager(subnet, EngineKind::Eager);
  const auto batch = static_cast<std::size_t>(o.batch);
  std::printf("bench-images: %d images (the %zu shared ones repeated), batch %d, r = 224, w1.2 max subnet, %d rounds interleaved\n", o.image_count,
              shared.size(), o.batch, o.rounds);
  pipeline_seconds(list, arch.r, batch, 1, &optimized);  // warm-up: oneDNN's first calls, the page cache
  struct Row {
    const char* name;
    const Engine* net;
    int threads;
    double best = 1e300;
  };
  std::vector<Row> rows = {{"decode", nullptr, 1}, {"pipeline", &optimized, 1}, {"eager", &eager, 1},
                           {"decode", nullptr, 2}, {"pipeline", &optimized, 2}, {"eager", &eager, 2}};
  for (int r = 0; r < o.rounds; ++r)
    for (Row& row : rows) row.best = std::min(row.best, pipeline_seconds(list, arch.r, batch, row.threads, row.net));
  std::printf("%-10s %7s %10s\n", "what", "threads", "images/s");
  for (const Row& row : rows) std::printf("%-10s %7d %10.1f\n", row.name, row.threads, o.image_count / row.best);
  for (int t : {1, 2}) {
    double pipeline = 0, eager_s = 0;
    for (const Row& row : rows) {
      if (row.threads != t) continue;
      if (row.net == &optimized) pipeline = row.best;
      if (row.net == &eager) eager_s = row.best;
    }
    std::printf("%d thread(s): the pipeline runs %.2fx as many images/s as with the eager engine\n", t, eager_s / pipeline);
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using ofa::cli::bind;
  using O = ofa::cli::CommandOption;
  static const ofa::cli::Tool tool = ofa::cli::single_command_tool<Options>(
      "bench-images",
      "bench-images: images per second of the accuracy pipeline on this machine (decode, pipeline, eager), side by side\n"
      "  bench-images --image-count 200 --val-batch 50 --rounds 3",
      {bind(O{"--image-count"}, &Options::image_count), bind(O{"--val-batch"}, &Options::batch), bind(O{"--rounds"}, &Options::rounds),
       bind(O{"--data-dir"}, &Options::data_dir)},
      [](Options& o, const ofa::common::Reporter&) { return bench(o); });
  return ofa::cli::tool_main(tool, argc, argv);
}
