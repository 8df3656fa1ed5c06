// The image pipeline's commands: `ofa-runtime preprocess` against torchvision, `ofa-measure bn
// --calib-images`, `ofa-measure accuracy` against an independent evaluation, and the measured-accuracy
// library they lead to.
#include <set>

#include "image_writer.hpp"
#include "measured_fixtures.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/runtime/images/calibration_images.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::runtime;
using ofa::test::data_dir;
using ofa::test::shell;
using ofa::test::TempDir;
using ofa::test::tool;

namespace {

std::filesystem::path val_dir() { return data_dir() / "images/val"; }
using ofa::test::q;

// A measured file of the given architectures (fake latencies rising with r).
MeasuredFile measured_of(const std::vector<ArchConfig>& archs) {
  MeasuredFile m = ofa::test::measured_header();
  for (std::size_t i = 0; i < archs.size(); ++i) {
    MeasuredRow r;
    r.candidate.id = static_cast<int>(10 + i);
    r.candidate.arch = archs[i];
    r.candidate.predicted_accuracy = 0.70 + 0.01 * static_cast<double>(i);
    r.candidate.on_front = true;
    r.measured.count = 5;
    r.measured.median_ms = r.measured.mean_ms = r.measured.p10_ms = r.measured.p90_ms = 5.0 + static_cast<double>(i);
    m.rows.push_back(r);
  }
  return m;
}

ArchConfig small_arch(int r, int e) {
  ArchConfig a;
  a.ks.fill(3);
  a.e.fill(e);
  a.d.fill(2);
  a.r = r;
  return a;
}

}  // namespace

TEST_CASE("preprocess reproduces torchvision's evaluation transform on real ImageNet images", "[images][cli]") {
  TempDir dir("preprocess");
  const auto r = shell(tool("ofa-runtime") + " preprocess --val-images " + q(val_dir()) + " --resolution 160 --decode-threads 2 --out " + q(dir / "x.pt"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const SavedObject ours = read_torch_file(dir / "x.pt");
  const SavedObject want = read_torch_file(data_dir() / "images/expected_val_r160.pt");
  const torch::Tensor a = to_torch(ours.find("images")->tensor), b = to_torch(want.find("images")->tensor);
  REQUIRE(a.sizes() == b.sizes());
  const double mean = (a - b).abs().mean().item<double>(), max = (a - b).abs().max().item<double>();
  INFO("mean " << mean << " max " << max);
  CHECK(mean <= 0.005);  // the goal; one grey level is 0.017
  CHECK(max <= 0.05);
  CHECK(torch::equal(to_torch(ours.find("labels")->tensor), to_torch(want.find("labels")->tensor)));
  const SavedObject& fa = *ours.find("files");
  const SavedObject& fb = *want.find("files");
  REQUIRE(fa.items.size() == fb.items.size());
  for (std::size_t i = 0; i < fa.items.size(); ++i) CHECK(fa.items[i].text == fb.items[i].text);
}

TEST_CASE("preprocess: bad images and folders are one line and exit 2, and --skip-unreadable skips", "[images][cli][errors]") {
  TempDir dir("preprocess-bad");
  const std::filesystem::path classes = data_dir() / "imagenet_classes.txt";
  // Two good images copied from the shared set, then one bad thing at a time.
  auto fresh = [&] {
    std::filesystem::remove_all(dir / "img");
    for (const char* c : {"n01675722", "n01697457"}) {
      std::filesystem::create_directories(dir / "img" / c);
      for (const auto& e : std::filesystem::directory_iterator(val_dir() / c)) std::filesystem::copy(e.path(), dir / "img" / c / e.path().filename());
    }
  };
  auto fails = [&](const std::string& extra, const std::string& what, const std::string& resolution = "160") {
    const auto r = shell(tool("ofa-runtime") + " preprocess --val-images " + q(dir / "img") + " --resolution " + resolution + " --out " + q(dir / "out.pt") + extra);
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find(what) != std::string::npos);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "out.pt"));
  };
  fresh();
  const std::string jpeg = read_file(*std::filesystem::directory_iterator(dir / "img/n01675722"));
  write_file_atomic(dir / "img/n01675722/truncated.JPEG", jpeg.substr(0, jpeg.size() * 2 / 3));
  fails("", "truncated.JPEG: truncated JPEG");
  fresh();
  write_file_atomic(dir / "img/n01675722/text.JPEG", "not an image\n");
  fails("", "text.JPEG: not a JPEG or PNG image");
  // --skip-unreadable: the rest is written, and the skip is reported.
  const auto s = shell(tool("ofa-runtime") + " preprocess --val-images " + q(dir / "img") + " --resolution 160 --skip-unreadable --out " + q(dir / "out.pt"));
  INFO(s.output);
  CHECK(s.status == 0);
  CHECK(s.output.find("1 unreadable skipped") != std::string::npos);
  CHECK(read_torch_file(dir / "out.pt").find("labels")->tensor.sizes == std::vector<std::int64_t>{2});
  std::filesystem::remove(dir / "out.pt");
  fresh();
  // An image smaller than the crop is not bad input (it once was: "smaller than the 160 px
  // crop"): upscaled as torchvision does, it is written with the others.
  std::vector<std::uint8_t> small(100 * 90 * 3, 128);
  write_file_atomic(dir / "img/n01675722/small.jpg", ofa::test::encode_jpeg(100, 90, 3, small));
  const auto u = shell(tool("ofa-runtime") + " preprocess --val-images " + q(dir / "img") + " --resolution 160 --out " + q(dir / "out.pt"));
  INFO(u.output);
  CHECK(u.status == 0);
  CHECK(read_torch_file(dir / "out.pt").find("images")->tensor.sizes == std::vector<std::int64_t>{3, 3, 160, 160});
  std::filesystem::remove(dir / "out.pt");
  fresh();
  std::filesystem::create_directories(dir / "img/n01739381");
  fails("", "n01739381: class folder holds no image");
  fresh();
  std::filesystem::create_directories(dir / "img/cats");
  write_file_atomic(dir / "img/cats/a.jpg", jpeg);
  fails("", "folder 'cats' is not a class of");
  fresh();
  fails(" --classes " + q(dir / "none.txt"), "none.txt: class list not found");
  fails("", "--resolution: '0' is not a whole number in [32, 1024]", "0");
}

TEST_CASE("bn --calib-images recalibrates on OFA's augmented draw, exactly as on the same images given as a tensor", "[images][bn][cli]") {
  TempDir dir("bn-images");
  const ArchConfig arch = small_arch(160, 4);
  YAML::Emitter e;
  e << YAML::BeginMap;
  emit_arch_fields(e, arch);
  e << YAML::EndMap;
  write_file_atomic(dir / "a.yaml", e.c_str());
  const std::filesystem::path classes = data_dir() / "imagenet_classes.txt";
  // The draw and augmentation of 10 images with seed 5, as one tensor fed in batches of 4.
  const CalibrationImages calib({val_dir(), classes, 10, 10, 5, 2, false});
  REQUIRE(calib.image_count() == 10);
  save_tensor(dir / "t.pt", calib.batch(0, arch.r).images);
  const std::string bn = tool("ofa-measure") + " bn --arch " + q(dir / "a.yaml") + " --calib-batch 4";
  const auto a = shell(bn + " --seed 5 --calib-images " + q(val_dir()) + " --calib-count 10 --decode-threads 1 --out " + q(dir / "images.pt"));
  INFO(a.output);
  REQUIRE(a.status == 0);
  CHECK(a.output.find("on 10 images in 3 batches") != std::string::npos);
  const auto t = shell(bn + " --seed 5 --tensors " + q(dir / "t.pt") + " --out " + q(dir / "tensor.pt"));
  INFO(t.output);
  REQUIRE(t.status == 0);
  const StateDict x = load_state_dict(dir / "images.pt"), y = load_state_dict(dir / "tensor.pt");
  REQUIRE(x.size() == y.size());
  for (const auto& [k, v] : x) CHECK(torch::equal(v, y.at(k)));
  // Another seed draws and augments differently; more than the folder holds takes all of it.
  const auto c = shell(bn + " --calib-images " + q(val_dir()) + " --calib-count 50 --seed 6 --out " + q(dir / "other.pt"));
  INFO(c.output);
  REQUIRE(c.status == 0);
  CHECK(c.output.find("the folder holds only 20 images, all used") != std::string::npos);
  const StateDict z = load_state_dict(dir / "other.pt");
  CHECK_FALSE(torch::equal(z.begin()->second, x.begin()->second));
  // One source of images, not two, not none.
  CHECK(shell(bn + " --out " + q(dir / "n.pt")).status == 2);
  CHECK(shell(bn + " --tensors " + q(dir / "t.pt") + " --calib-images " + q(val_dir()) + " --out " + q(dir / "n.pt")).status == 2);
  CHECK_FALSE(std::filesystem::exists(dir / "n.pt"));
}

TEST_CASE("accuracy equals an independent evaluation of the recalibrated subnets, labels from the class list", "[images][accuracy][cli]") {
  TempDir dir("accuracy");
  const std::vector<ArchConfig> archs = {small_arch(160, 3), small_arch(176, 4)};
  write_file_atomic(dir / "m.yaml", format_measured_yaml(measured_of(archs)));
  const std::string base = tool("ofa-measure") + " accuracy --measured " + q(dir / "m.yaml") + " --val-images " + q(val_dir()) +
                           " --calib-images " + q(val_dir()) + " --calib-count 8 --calib-batch 4 --seed 3 --engine eager --quiet";
  const auto first = shell(base + " --out " + q(dir / "out/acc.yaml"));
  INFO(first.output);
  REQUIRE(first.status == 0);
  CHECK(first.output.find("RANDOM weights") != std::string::npos);
  const MeasuredFile one = read_measured(dir / "out/acc.yaml");

  // Each network's top-5 classes per image, computed here: torchvision-equal images, the BN
  // file the command wrote applied to the same random supernet, the eager subnet.
  const Supernet supernet = Supernet::random(ofa::test::w12(), 3);
  std::vector<std::vector<std::vector<std::int64_t>>> top5(archs.size());  // [net][image][k]
  for (std::size_t n = 0; n < archs.size(); ++n) {
    REQUIRE(one.rows[n].bn == "acc_bn/cand_" + std::to_string(10 + n) + ".pt");
    const std::string pt = (dir / ("x" + std::to_string(n) + ".pt")).string();
    REQUIRE(shell(tool("ofa-runtime") + " preprocess --val-images " + q(val_dir()) + " --resolution " + std::to_string(archs[n].r) + " --out " + pt).status == 0);
    const torch::Tensor x = to_torch(read_torch_file(pt).find("images")->tensor);
    const Subnet net = Subnet::from_supernet(ofa::test::w12(), archs[n],
                                             supernet.with_bn_overrides(load_state_dict(dir / "out" / one.rows[n].bn), "bn"));
    const torch::Tensor best = std::get<1>(net.forward(x).topk(5, 1));
    for (std::int64_t i = 0; i < best.size(0); ++i) {
      std::vector<std::int64_t> k(5);
      for (int j = 0; j < 5; ++j) k[static_cast<std::size_t>(j)] = best[i][j].item<std::int64_t>();
      top5[n].push_back(k);
    }
  }
  // A class list that puts each image's folder (one image per folder) at network 0's top-1
  // class when free, else at its 2nd..5th class when free, else where no prediction is: so
  // the expected top-1 and top-5 are known and neither is zero.
  std::vector<std::string> folders;
  for (const auto& e : std::filesystem::directory_iterator(val_dir())) folders.push_back(e.path().filename().string());
  std::sort(folders.begin(), folders.end());
  REQUIRE(folders.size() == top5[0].size());
  std::vector<std::string> lines(1000);
  for (std::size_t i = 0; i < lines.size(); ++i) lines[i] = "x" + std::to_string(i);
  std::vector<std::int64_t> line_of(folders.size(), -1);
  std::set<std::int64_t> used;
  for (std::size_t i = 0; i < folders.size(); ++i)
    for (std::int64_t c : top5[0][i])
      if (!used.count(c)) {
        line_of[i] = c;
        used.insert(c);
        break;
      }
  for (std::size_t i = 0, free = 0; i < folders.size(); ++i) {
    if (line_of[i] >= 0) continue;
    while (used.count(static_cast<std::int64_t>(free)) ||
           std::any_of(top5.begin(), top5.end(), [&](const auto& t) { return std::count(t[i].begin(), t[i].end(), static_cast<std::int64_t>(free)); }))
      ++free;
    line_of[i] = static_cast<std::int64_t>(free);
    used.insert(line_of[i]);
  }
  for (std::size_t i = 0; i < folders.size(); ++i) lines[static_cast<std::size_t>(line_of[i])] = folders[i];
  std::string list;
  for (const std::string& l : lines) list += l + "\tclass\n";
  write_file_atomic(dir / "classes.txt", list);

  const auto second = shell(base + " --classes " + q(dir / "classes.txt") + " --out " + q(dir / "out2/acc.yaml"));
  INFO(second.output);
  REQUIRE(second.status == 0);
  const MeasuredFile two = read_measured(dir / "out2/acc.yaml");
  for (std::size_t n = 0; n < archs.size(); ++n) {
    INFO("network " << n);
    int want1 = 0, want5 = 0;
    for (std::size_t i = 0; i < folders.size(); ++i) {
      want1 += top5[n][i][0] == line_of[i];
      want5 += std::count(top5[n][i].begin(), top5[n][i].end(), line_of[i]) > 0;
    }
    if (n == 0) CHECK(want1 > 0);
    REQUIRE(two.rows[n].measured_accuracy);
    CHECK(*two.rows[n].measured_accuracy == Approx(want1 / 20.0).margin(1e-9));
    CHECK(*two.rows[n].top5 == Approx(want5 / 20.0).margin(1e-9));
    CHECK(two.rows[n].accuracy_images == 20);
    // Calibration does not depend on labels: the same BN files.
    const StateDict a = load_state_dict(dir / "out" / one.rows[n].bn), b = load_state_dict(dir / "out2" / two.rows[n].bn);
    for (const auto& [k, v] : a) CHECK(torch::equal(v, b.at(k)));
  }
  REQUIRE(two.accuracy_setup);
  CHECK(two.accuracy_setup->calibration == "images");
  CHECK(two.accuracy_setup->calib_count == 8);
}

TEST_CASE("accuracy: --top, --resume, settings, and a library of measured accuracy with its BN files", "[images][accuracy][cli]") {
  TempDir dir("accuracy-resume");
  write_file_atomic(dir / "m.yaml", format_measured_yaml(measured_of({small_arch(160, 3), small_arch(160, 6), small_arch(164, 4)})));
  const std::string base = tool("ofa-measure") + " accuracy --measured " + q(dir / "m.yaml") + " --val-images " + q(val_dir()) +
                           " --calib-images " + q(val_dir()) + " --calib-count 4 --calib-batch 4 --limit 5 --quiet --out " + q(dir / "acc.yaml");
  const auto top = shell(base + " --top 1");
  INFO(top.output);
  REQUIRE(top.status == 0);
  MeasuredFile m = read_measured(dir / "acc.yaml");
  CHECK_FALSE(m.rows[0].measured_accuracy);
  CHECK_FALSE(m.rows[1].measured_accuracy);
  REQUIRE(m.rows[2].measured_accuracy);  // the highest predicted accuracy
  CHECK(m.rows[2].accuracy_images == 5);
  // --resume keeps it and evaluates the rest.
  const auto all = shell(base + " --resume");
  INFO(all.output);
  REQUIRE(all.status == 0);
  CHECK(all.output.find("2 rows evaluated (1 kept from --resume)") != std::string::npos);
  m = read_measured(dir / "acc.yaml");
  for (const auto& r : m.rows) CHECK(r.measured_accuracy);
  // Other settings are refused, the file left as it was.
  const std::string before = read_file(dir / "acc.yaml");
  const auto other = shell(base + " --resume --seed 9");
  INFO(other.output);
  CHECK(other.status == 2);
  CHECK(other.output.find("other settings (seed 0 in the file, 9 now)") != std::string::npos);
  CHECK(read_file(dir / "acc.yaml") == before);
  CHECK(shell(base + " --resume --no-recalibrate").status == 2);  // with --calib-images: exclusive

  // The library takes the measured accuracy and each level's BN file, named from its folder.
  const auto p = shell(tool("ofa-search") + " pareto --measured " + q(dir / "acc.yaml") + " --accuracy measured --out " + q(dir / "lib/library.yaml"));
  INFO(p.output);
  REQUIRE(p.status == 0);
  const LibraryFile lib = read_library(dir / "lib/library.yaml");
  REQUIRE(!lib.levels.empty());
  for (const Level& l : lib.levels) {
    CHECK(l.accuracy_source == "measured");
    REQUIRE_FALSE(l.bn.empty());
    CHECK(std::filesystem::exists(dir / "lib" / l.bn));
  }
  // Bad input: one line, exit 2, nothing written.
  auto fails = [&](const std::string& args, const std::string& what) {
    const auto r = shell(tool("ofa-measure") + " accuracy --measured " + q(dir / "m.yaml") + " --out " + q(dir / "bad.yaml") + " " + args);
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find(what) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "bad.yaml"));
  };
  fails("--val-images " + q(dir / "nowhere"), "calib-images");
  fails("--val-images " + q(dir / "nowhere") + " --no-recalibrate", "nowhere: not a folder of images");
  fails("--val-images " + q(val_dir()) + " --no-recalibrate --limit -1", "--limit: '-1' is not a whole number");
  fails("--val-images " + q(val_dir()) + " --no-recalibrate --top 0", "--top: '0' is not a whole number");
  fails("--val-images " + q(val_dir()) + " --calib-images " + q(val_dir()) + " --calib-count 0", "--calib-count");
}
