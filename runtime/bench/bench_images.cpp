// bench-images: images per second of the accuracy pipeline on this machine, side by side in
// one run with rounds interleaved:
//   decode     JPEG decoding + OFA's validation transform + normalisation (no network)
//   pipeline   the same, plus the network (our optimized engine), batch b+1 decoding while
//              the network runs on batch b, as `ofa-measure accuracy` does
//   eager      the pipeline with the eager engine (PyTorch-eager speed: what a plain LibTorch
//              port of OFA's evaluation loop runs at)
// at 1 and 2 threads (decoding threads = LibTorch threads), on the shared ImageNet images
// (repeated to --images), one w1.2 subnet at r = 224 (the largest, random weights).
//   bench-images [--images 200] [--batch 50] [--rounds 3] [--data-dir DIR]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "ofa/common/files.hpp"
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

}  // namespace

int main(int argc, char** argv) {
  int images = 200, batch = 50, rounds = 3;
  std::string data_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--images")) images = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--batch")) batch = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--data-dir")) data_dir = argv[i + 1];
  }
  const auto data = ofa::common::resolve_data_dir(data_dir);
  const auto shared = list_image_folder(data / "images/val", data / "imagenet_classes.txt");
  std::vector<LabeledImage> list;
  while (static_cast<int>(list.size()) < images) list.push_back(shared[list.size() % shared.size()]);
  const auto space = ofa::common::search_space("ofa-mbv3-w1.2");
  ofa::common::ArchConfig arch;
  arch.ks.fill(7);
  arch.e.fill(6);
  arch.d.fill(4);
  arch.r = 224;
  const Supernet supernet = Supernet::random(space, 0);
  const Subnet subnet = Subnet::from_supernet(space, arch, supernet);
  const Engine optimized(subnet, EngineKind::Optimized), eager(subnet, EngineKind::Eager);

  auto run = [&](int threads, const Engine* net) {
    torch::set_num_threads(threads);
    const ImageBatchOptions o{arch.r, threads, false};
    const std::size_t batches = (list.size() + static_cast<std::size_t>(batch) - 1) / static_cast<std::size_t>(batch);
    auto fetch = [&](std::size_t b) {
      const std::size_t first = b * static_cast<std::size_t>(batch);
      const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(batch), list.size() - first);
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
  };
  std::printf("bench-images: %d images (the %zu shared ones repeated), batch %d, r = 224, w1.2 max subnet, %d rounds interleaved\n",
              images, shared.size(), batch, rounds);
  run(1, &optimized);  // warm-up: oneDNN's first calls, the page cache
  struct Row {
    const char* name;
    const Engine* net;
    int threads;
    double best = 1e300;
  };
  std::vector<Row> rows = {{"decode", nullptr, 1}, {"pipeline", &optimized, 1}, {"eager", &eager, 1},
                           {"decode", nullptr, 2}, {"pipeline", &optimized, 2}, {"eager", &eager, 2}};
  for (int r = 0; r < rounds; ++r)
    for (Row& row : rows) row.best = std::min(row.best, run(row.threads, row.net));
  std::printf("%-10s %7s %10s\n", "what", "threads", "images/s");
  for (const Row& row : rows) std::printf("%-10s %7d %10.1f\n", row.name, row.threads, images / row.best);
  for (int t : {1, 2}) {
    double pipeline = 0, eager_s = 0;
    for (const Row& row : rows) {
      if (row.threads != t) continue;
      if (row.net == &optimized) pipeline = row.best;
      if (row.net == &eager) eager_s = row.best;
    }
    std::printf("%d thread(s): the pipeline runs %.2fx as many images/s as with the eager engine\n", t, eager_s / pipeline);
  }
}
