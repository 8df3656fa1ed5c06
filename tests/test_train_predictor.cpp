#include <atomic>
#include <cmath>
#include <sstream>

#include "ofa/cli/arg_parser.hpp"
#include "ofa/common/encoding.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/labelled_archs.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/common/sha256.hpp"
#include "ofa/search/accuracy_predictor.hpp"
#include "ofa/search/predictor_loader.hpp"
#include "ofa/search/predictor_training.hpp"
#include "ofa/search/sampling.hpp"
#include "ofa/common/torch_save_writer.hpp"
#include "search/commands/pareto_command.hpp"
#include "search/commands/predict_command.hpp"
#include "search/commands/train_predictor_command.hpp"
#include "search/tools/search_tool.hpp"
#include "measured_fixtures.hpp"
#include "test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::search;
using ofa::test::TempDir;

namespace {

std::vector<ArchConfig> draw(int n, std::uint64_t seed, const char* space = "ofa-mbv3-w1.2") {
  const SearchSpace s = search_space(space);
  Rng rng(seed);
  std::vector<ArchConfig> out;
  for (int i = 0; i < n; ++i) out.push_back(random_arch(s, rng));
  return out;
}

// A smooth, learnable accuracy: resolution and the first kernels count.
double toy_accuracy(const ArchConfig& a) { return 0.70 + 0.02 * (a.r - 160) / 64.0 + 0.004 * a.ks[0] / 7.0 + 0.003 * a.d[2]; }

std::vector<LabelledArch> labelled(const std::vector<ArchConfig>& archs) {
  std::vector<LabelledArch> out;
  for (std::size_t i = 0; i < archs.size(); ++i) out.push_back({"n" + std::to_string(i), archs[i], toy_accuracy(archs[i])});
  return out;
}

std::filesystem::path write_labelled(const TempDir& dir, const std::string& name, const std::vector<LabelledArch>& a) {
  const auto p = dir / name;
  write_file_atomic(p, format_labelled_archs_yaml(a));
  return p;
}

TrainPredictorOptions quick_options(const TempDir& dir, const std::filesystem::path& data) {
  TrainPredictorOptions o;
  o.data = {data};
  o.out = dir / "p.pt";
  o.training.epochs = 2;
  o.training.batch_size = 16;
  o.training.threads = 1;
  return o;
}

std::string error_of(const TrainPredictorOptions& o, const ofa::common::Reporter& reporter = {}) {
  try {
    run_train_predictor(o, reporter);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

float& flat(MlpWeights& w, std::size_t layer, bool bias, std::size_t k) { return bias ? w.layers[layer].bias[k] : w.layers[layer].weight[k]; }

}  // namespace

TEST_CASE("train-predictor: the MLP's gradient matches finite differences", "[train-predictor]") {
  const std::array<int, 4> sizes{kEncodingSize, 16, 8, 1};
  MlpWeights w = initial_mlp(sizes, 3);
  const auto archs = draw(40, 5);  // two chunks, the second short
  std::vector<float> targets;
  for (const auto& a : archs) targets.push_back(static_cast<float>(toy_accuracy(a)));
  MlpWeights grad;
  mse_gradient(w, 0.75f, archs, targets, grad, 1);
  const ArchConfig& a0 = archs[0];
  std::array<std::uint8_t, 41> pos{};
  const int active = encode_active(a0, pos);
  REQUIRE(active > 0);
  struct Probe { std::size_t layer; bool bias; std::size_t k; };
  // An active input's column in the first layer, biases and weights deeper in.
  const std::vector<Probe> probes{{0, false, static_cast<std::size_t>(pos[0])}, {0, false, static_cast<std::size_t>(5 * kEncodingSize + pos[1])}, {0, true, 3},
                                  {1, false, 17}, {1, true, 2}, {2, false, 4}, {2, true, 0}};
  for (const Probe& p : probes) {
    INFO("layer " << p.layer << (p.bias ? " bias " : " weight ") << p.k);
    const float h = 1e-2f;
    MlpWeights plus = w, minus = w, unused;
    flat(plus, p.layer, p.bias, p.k) += h;
    flat(minus, p.layer, p.bias, p.k) -= h;
    const double fd = (mse_gradient(plus, 0.75f, archs, targets, unused, 1) - mse_gradient(minus, 0.75f, archs, targets, unused, 1)) / (2.0 * h);
    CHECK(flat(grad, p.layer, p.bias, p.k) == Approx(fd).epsilon(0.02).margin(1e-5));
  }
}

TEST_CASE("train-predictor: Adam's update on a known case", "[train-predictor]") {
  // torch.optim.Adam(lr=0.1): with a constant gradient every step moves by lr.
  std::vector<float> p{1.0f, -2.0f};
  const std::vector<float> g{0.5f, -0.25f};
  AdamState s;
  adam_step(p, g, s, 0.1, 0.0);
  CHECK(p[0] == Approx(0.9f).margin(1e-6));
  CHECK(p[1] == Approx(-1.9f).margin(1e-6));
  adam_step(p, g, s, 0.1, 0.0);
  CHECK(p[0] == Approx(0.8f).margin(1e-6));
  CHECK(s.step == 2);
  // Weight decay adds wd * p to the gradient: a zero gradient then pulls p towards 0.
  std::vector<float> q{2.0f};
  AdamState t;
  adam_step(q, std::vector<float>{0.0f}, t, 0.01, 0.5);
  CHECK(q[0] == Approx(1.99f).margin(1e-6));
  CHECK(t.m[0] == Approx(0.1f).epsilon(1e-4));
  CHECK(t.v[0] == Approx(0.001f).epsilon(1e-4));
}

TEST_CASE("train-predictor: a tiny problem is learnt to near-zero error", "[train-predictor]") {
  const auto archs = draw(48, 7);
  std::vector<TrainingSample> samples;
  for (const auto& a : archs) samples.push_back({a, toy_accuracy(a)});
  TrainingOptions o;
  o.holdout = 0;
  o.epochs = 300;
  o.weight_decay = 0;  // the L2 pull is what keeps the error above zero
  o.batch_size = 16;
  o.threads = 2;
  const TrainingResult r = train_predictor(samples, nullptr, o, {});
  const AccuracyPredictor p(r.weights);
  double worst = 0, se = 0;
  for (const auto& s : samples) {
    const double e = p.predict(s.arch) - s.accuracy;
    worst = std::max(worst, std::fabs(e));
    se += e * e;
  }
  CHECK(std::sqrt(se / samples.size()) < 1e-3);  // labels spread over 0.70-0.74
  CHECK(worst < 3e-3);
}

TEST_CASE("train-predictor: the same seed gives byte-identical files on 1 and 2 threads", "[train-predictor]") {
  TempDir dir("train-det");
  const auto data = write_labelled(dir, "d.yaml", labelled(draw(150, 11)));
  TrainPredictorOptions o = quick_options(dir, data);
  o.training.epochs = 3;
  o.training.batch_size = 40;  // chunks of 32 and a short one
  o.out = dir / "one.pt";
  run_train_predictor(o, {});
  o.training.threads = 2;
  o.out = dir / "two.pt";
  run_train_predictor(o, {});
  CHECK(read_file(dir / "one.pt") == read_file(dir / "two.pt"));
  o.training.seed = 1;
  o.out = dir / "other.pt";
  run_train_predictor(o, {});
  CHECK(read_file(dir / "one.pt") != read_file(dir / "other.pt"));
}

TEST_CASE("train-predictor: the file reads back as OFA's layout and the record describes it", "[train-predictor]") {
  TempDir dir("train-file");
  const auto data = write_labelled(dir, "d.yaml", labelled(draw(60, 13)));
  const TrainPredictorOptions o = quick_options(dir, data);
  const std::string summary = run_train_predictor(o, {});
  CHECK_THAT(summary, ofa::test::contains("48 samples trained, 12 held out"));
  const MlpWeights w = load_mlp_weights(o.out);
  REQUIRE(w.layers.size() == 4);
  CHECK(w.layers[0].in == 128);
  CHECK(w.layers[0].out == 400);
  CHECK(w.layers[3].out == 1);
  // The mean-accuracy base is folded into the last bias.
  CHECK(w.layers[3].bias[0] > 0.5f);
  const YAML::Node rec = YAML::LoadFile((dir / "p.yaml").string());
  CHECK(rec["format"].as<std::string>() == "ofa-predictor-training/2");
  CHECK(rec["label_scale"].as<double>() > 0);
  CHECK(rec["space"].as<std::string>() == "ofa-mbv3-w1.2");
  CHECK(rec["samples"].as<int>() == 60);
  CHECK(rec["held_out"].as<int>() == 12);
  CHECK(rec["held_out_rmse"].as<double>() >= 0);
  CHECK(rec["options"]["batch_size"].as<int>() == 16);
  CHECK(rec["data"][0]["samples"].as<int>() == 60);
  CHECK(rec["data"][0]["sha256"].as<std::string>() == ofa::common::sha256_hex(ofa::common::read_file(data)));
}

TEST_CASE("train-predictor: ofa-search predict scores with the trained file", "[train-predictor]") {
  TempDir dir("train-predict");
  const auto archs = draw(40, 17);
  const auto data = write_labelled(dir, "d.yaml", labelled(archs));
  TrainPredictorOptions o = quick_options(dir, data);
  o.training.holdout = 0;
  run_train_predictor(o, {});
  write_file_atomic(dir / "profile.yaml", "format: ofa-profile/1\nname: trained\ndevice: test\nspace: ofa-mbv3-w1.2\npredictor: p.pt\nmetric: flops\n");
  PredictOptions po;
  po.profile = dir / "profile.yaml";
  po.archs = data;
  po.out = dir / "scores.yaml";
  CHECK(run_predict(po).empty());
  const YAML::Node got = YAML::LoadFile(po.out->string());
  const AccuracyPredictor p = load_predictor(o.out);
  CHECK(got["n3"]["predicted_accuracy"].as<double>() == Approx(p.predict(archs[3])).margin(1e-6));
}

TEST_CASE("train-predictor: --data takes several files", "[train-predictor][cli]") {
  const std::vector<std::string> args{"train-predictor", "--data", "a.yaml", "b.yaml", "--out", "p.pt"};
  const auto r = ofa::cli::parse_command_line(ofa::tools::search_tool(), args);
  const auto files = ofa::cli::split_values(r.args.value("--data"));
  REQUIRE(files.size() == 2);
  CHECK(files[1] == "b.yaml");
  CHECK(r.args.value("--out") == "p.pt");
}

TEST_CASE("train-predictor: bad input is one line naming the file and the value, and nothing is written", "[train-predictor][errors]") {
  TempDir dir("train-bad");
  auto archs = labelled(draw(40, 19));
  const auto good = write_labelled(dir, "good.yaml", archs);

  SECTION("an entry without accuracy") {
    write_file_atomic(dir / "d.yaml", "a: {ks: [3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3], e: [3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3], "
                                      "d: [2,2,2,2,2], r: 160}\n");
    CHECK_THAT(error_of(quick_options(dir, dir / "d.yaml")), ofa::test::contains("d.yaml: 'a': missing key 'accuracy'"));
  }
  SECTION("a measured row without measured_accuracy") {
    MeasuredFile m = ofa::test::measured_header();
    for (int i = 0; i < 2; ++i) {
      MeasuredRow r = ofa::test::measured_row(10 + i, archs[i].arch, 5.0);
      if (i == 0) r.measured_accuracy = 0.7;
      m.rows.push_back(r);
    }
    write_file_atomic(dir / "m.yaml", format_measured_yaml(m));
    CHECK_THAT(error_of(quick_options(dir, dir / "m.yaml")),
               ofa::test::contains("m.yaml: measurements[1] (candidate id 11) has no measured_accuracy"));
  }
  SECTION("an accuracy outside [0, 1]") {
    archs[3].accuracy = 76.5;  // a percentage, not a fraction
    const auto bad = write_labelled(dir, "pct.yaml", archs);
    CHECK_THAT(error_of(quick_options(dir, bad)), ofa::test::contains("pct.yaml: 'n3': key 'accuracy' = 76.5 is not a fraction in [0, 1]"));
  }
  SECTION("fewer samples than --train-batch") {
    TrainPredictorOptions o = quick_options(dir, good);
    o.training.batch_size = 64;
    CHECK_THAT(error_of(o), ofa::test::contains("32 training samples (40 read, 8 held out) are fewer than --train-batch 64"));
  }
  SECTION("--init trained for another space") {
    TrainPredictorOptions o = quick_options(dir, good);
    o.space = "ofa-mbv3-w1.0";
    o.out = dir / "w10.pt";
    run_train_predictor(o, {});
    TrainPredictorOptions f = quick_options(dir, good);
    f.init = dir / "w10.pt";
    CHECK_THAT(error_of(f), ofa::test::contains("--init " + (dir / "w10.pt").string() + ": trained for space 'ofa-mbv3-w1.0'"));
  }
  SECTION("a non-finite loss") {
    TrainPredictorOptions o = quick_options(dir, good);
    o.training.lr = 1e9;
    o.training.epochs = 20;
    CHECK_THAT(error_of(o), ofa::test::contains("non-finite"));
  }
  SECTION("a record path that is a folder: neither file is written") {
    std::filesystem::create_directories(dir / "p.yaml");
    CHECK_THAT(error_of(quick_options(dir, good)), ofa::test::contains("p.yaml") && ofa::test::contains("folder"));
    std::filesystem::remove(dir / "p.yaml");
  }
  SECTION("a record that is --init or --init's record, through a link") {
    TrainPredictorOptions first = quick_options(dir, good);
    first.out = dir / "init.pt";
    run_train_predictor(first, {});
    const std::string init_bytes = read_file(dir / "init.pt"), init_record = read_file(dir / "init.yaml");
    std::filesystem::create_symlink(dir / "init.pt", dir / "p.yaml");
    TrainPredictorOptions o = quick_options(dir, good);
    o.init = dir / "init.pt";
    CHECK_THAT(error_of(o), ofa::test::contains("--out's record") && ofa::test::contains("is --init"));
    std::filesystem::remove(dir / "p.yaml");
    std::filesystem::create_symlink(dir / "init.yaml", dir / "p.yaml");
    CHECK_THAT(error_of(o), ofa::test::contains("is --init's record"));
    std::filesystem::remove(dir / "p.yaml");
    CHECK(read_file(dir / "init.pt") == init_bytes);
    CHECK(read_file(dir / "init.yaml") == init_record);
  }
  SECTION("Ctrl-C") {
    std::atomic<bool> cancel{true};
    CHECK(error_of(quick_options(dir, good), ofa::common::Reporter().with_cancel(ofa::common::CancelFlag(cancel))) == "interrupted");
  }
  CHECK_FALSE(std::filesystem::exists(dir / "p.pt"));
  CHECK_FALSE(std::filesystem::exists(dir / "p.yaml"));
}

TEST_CASE("train-predictor never writes over a BN file its data names, and pareto takes only a BN file as one", "[train-predictor][errors][outputs]") {
  // Issue #29: --out placed so that its record landed on acc/ma_bn/cand_4.pt overwrote a BN file
  // that --data ma.yaml names; pareto then accepted the measured file with a predictor file as
  // a BN file.
  TempDir dir("train-bn");
  const auto archs = labelled(draw(40, 23));
  std::filesystem::create_directories(dir / "acc/ma_bn");
  MeasuredFile m = ofa::test::measured_header();
  for (int i = 0; i < 40; ++i) {
    MeasuredRow r = ofa::test::measured_row(i, archs[static_cast<std::size_t>(i)].arch, 5.0 + i);
    r.measured_accuracy = archs[static_cast<std::size_t>(i)].accuracy;
    r.bn = "ma_bn/cand_" + std::to_string(i) + ".pt";
    m.rows.push_back(r);
  }
  const std::filesystem::path measured = dir / "acc/ma.yaml";
  write_file_atomic(measured, format_measured_yaml(m));
  // A real BN file at cand_4.pt (only BatchNorm statistics), the others absent.
  write_torch_save(dir / "acc/ma_bn/cand_4.pt", FloatStateDict{{"blocks.0.bn.running_mean", FloatTensor{{2}, {0.f, 1.f}}},
                                                              {"blocks.0.bn.running_var", FloatTensor{{2}, {1.f, 2.f}}}});
  const std::string bn_before = read_file(dir / "acc/ma_bn/cand_4.pt");
  TrainPredictorOptions o = quick_options(dir, measured);
  o.out = dir / "acc/ma_bn/cand_4.pt";  // the predictor on a BN file the measured file names
  CHECK_THAT(error_of(o), ofa::test::contains("--out") && ofa::test::contains("candidate 4's BN file"));
  CHECK(read_file(dir / "acc/ma_bn/cand_4.pt") == bn_before);
  CHECK_FALSE(std::filesystem::exists(dir / "acc/ma_bn/cand_4.yaml"));
  // A predictor file where the measured file names BN files: pareto refuses it as one.
  o.out = dir / "p.pt";
  REQUIRE(error_of(o).empty());
  for (int i = 0; i < 40; ++i)
    std::filesystem::copy_file(dir / "p.pt", dir / ("acc/ma_bn/cand_" + std::to_string(i) + ".pt"), std::filesystem::copy_options::overwrite_existing);
  ofa::search::ParetoOptions po;
  po.measured = measured;
  po.out = dir / "library.yaml";
  po.accuracy = ofa::search::AccuracySource::Measured;
  CHECK_THROWS_WITH(ofa::search::run_pareto(po), ofa::test::contains("BN file") && ofa::test::contains("not a BatchNorm statistic"));
  CHECK_FALSE(std::filesystem::exists(dir / "library.yaml"));
}

TEST_CASE("SHA-256 of FIPS 180-4's examples and of lengths around the padding boundary", "[sha256]") {
  using ofa::common::sha256_hex;
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // 55 bytes fit the length in the last block, 56 need a second one.
  CHECK(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
