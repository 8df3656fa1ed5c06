#include <algorithm>
#include <fstream>
#include <set>

#include "ofa/common/arch_yaml.hpp"
#include <torch/version.h>

#include "ofa/common/error.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/fit_statistics.hpp"
#include "runtime/commands/calibrate_command.hpp"
#include "runtime/commands/latency_command.hpp"
#include "runtime/commands/lut_command.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/tensor_io.hpp"
#include "ofa/search/latency_table.hpp"
#include "ofa/search/sampling.hpp"
#include "search/commands/search_command.hpp"
#include "small_search.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::runtime;
using ofa::test::data_dir;
using ofa::test::w12;
using ofa::test::TempDir;
using ofa::test::source_dir;
using ofa::test::tool;
using ofa::test::write_text;

namespace {

ArchConfig small_arch(int r = 160) {
  ArchConfig a;
  a.ks.fill(3);
  a.e.fill(3);
  a.d.fill(2);
  a.r = r;
  return a;
}

void save_dict(const std::filesystem::path& file, const StateDict& d) { save_state_dict(file, d); }

// A small candidates file from a real (short) search.

}  // namespace

TEST_CASE("random weights are deterministic per seed and say so", "[subnet]") {
  const auto a = Subnet::random(w12(), small_arch(), 3);
  const auto b = Subnet::random(w12(), small_arch(), 3);
  const auto c = Subnet::random(w12(), small_arch(), 4);
  const torch::Tensor x = torch::randn({2, 3, 160, 160});
  const torch::Tensor ya = a.forward(x);
  CHECK(ya.sizes() == torch::IntArrayRef({2, 1000}));
  CHECK(torch::equal(ya, b.forward(x)));
  CHECK_FALSE(torch::equal(ya, c.forward(x)));
  CHECK(a.weights_source() == "random");
  CHECK(a.weight_bytes() > 4'000'000 * 4);
  CHECK_THROWS_WITH(a.forward(torch::randn({1, 3, 176, 176})), ofa::test::contains("expects [N, 3, 160, 160]"));
}

TEST_CASE("kernel transforms: centre crops through OFA's matrices", "[subnet]") {
  const torch::Tensor full = torch::randn({4, 1, 7, 7});
  const torch::Tensor eye25 = torch::eye(25), eye9 = torch::eye(9);
  CHECK(torch::equal(transform_kernel(full, 7, eye25, eye9), full));
  // With identity matrices the result is the centre crop.
  CHECK(torch::allclose(transform_kernel(full, 5, eye25, eye9), full.narrow(2, 1, 5).narrow(3, 1, 5)));
  CHECK(torch::allclose(transform_kernel(full, 3, eye25, eye9), full.narrow(2, 2, 3).narrow(3, 2, 3)));
  // v' = v M^T on each flattened kernel.
  const torch::Tensor m = torch::randn({25, 25});
  const torch::Tensor got = transform_kernel(full, 5, m, eye9);
  const torch::Tensor want = torch::matmul(full.narrow(2, 1, 5).narrow(3, 1, 5).reshape({4, 25}), m.t()).reshape({4, 1, 5, 5});
  CHECK(torch::allclose(got, want, 1e-5, 1e-5));
}

TEST_CASE("bad supernet files and BN overrides are named", "[subnet][errors]") {
  TempDir dir("supernet");
  StateDict d = load_state_dict(data_dir() / "golden/supernet_fp16.pt");
  StateDict missing = d;
  missing.erase("blocks.5.conv.depth_conv.se.fc.reduce.bias");
  save_dict(dir / "missing.pt", missing);
  CHECK_THROWS_WITH(Supernet::load(dir / "missing.pt", w12()), ofa::test::contains("missing.pt: missing key 'blocks.5.conv.depth_conv.se.fc.reduce.bias'"));
  StateDict wrong = d;
  wrong["classifier.linear.weight"] = torch::zeros({10, 1536});
  save_dict(dir / "wrong.pt", wrong);
  CHECK_THROWS_WITH(Supernet::load(dir / "wrong.pt", w12()), ofa::test::contains("key 'classifier.linear.weight' has shape [10, 1536]"));
  StateDict nan = d;
  nan["first_conv.bn.bias"] = torch::full({24}, std::numeric_limits<float>::quiet_NaN());
  save_dict(dir / "nan.pt", nan);
  CHECK_THROWS_WITH(Supernet::load(dir / "nan.pt", w12()), ofa::test::contains("'first_conv.bn.bias' holds NaN"));
  {
    std::ifstream in(data_dir() / "golden/supernet_fp16.pt", std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "cut.pt", std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 3));
  }
  CHECK_THROWS_WITH(Supernet::load(dir / "cut.pt", w12()), ofa::test::contains("cut.pt: truncated zip archive"));
  CHECK_THROWS_WITH(Supernet::load(dir / "cut.pt", search_space("ofa-mbv3-w1.0")), ofa::test::contains("cut.pt"));
  const Supernet s = Supernet::load(data_dir() / "golden/supernet_fp16.pt", w12());
  CHECK_THROWS_WITH(s.with_bn_overrides({{"first_conv.bn.running_foo", torch::zeros({3})}}, "bn.pt"), ofa::test::contains("bn.pt: key 'first_conv.bn.running_foo' is not a supernet buffer"));
  CHECK_THROWS_WITH(s.with_bn_overrides({{"first_conv.bn.running_mean", torch::zeros({30})}}, "bn.pt"), ofa::test::contains("has 30 entries"));
  // A negative or NaN variance would give NaN logits: refused, naming the file and key.
  CHECK_THROWS_WITH(s.with_bn_overrides({{"first_conv.bn.running_var", torch::full({24}, -0.5f)}}, "bn.pt"),
                    ofa::test::contains("bn.pt: key 'first_conv.bn.running_var' holds a negative variance"));
  CHECK_THROWS_WITH(s.with_bn_overrides({{"first_conv.bn.running_var", torch::full({24}, std::nanf(""))}}, "bn.pt"),
                    ofa::test::contains("bn.pt: key 'first_conv.bn.running_var' holds NaN"));
  // Overrides replace leading entries only, in a copy.
  const Supernet o = s.with_bn_overrides({{"first_conv.bn.running_mean", torch::full({2}, 7.0f)}}, "bn.pt");
  CHECK(o.at("first_conv.bn.running_mean")[1].item<float>() == 7.0f);
  CHECK(o.at("first_conv.bn.running_mean")[2].item<float>() == s.at("first_conv.bn.running_mean")[2].item<float>());
  CHECK(s.at("first_conv.bn.running_mean")[0].item<float>() != 7.0f);
}

TEST_CASE("ofa-runtime infer reproduces a golden case from the outside", "[infer][golden][cli]") {
  TempDir dir("infer");
  const auto& entry = ofa::test::golden_cases().at("random_a");
  save_tensor(dir / "x.pt", entry.input);
  save_dict(dir / "bn.pt", entry.bn);
  ofa::test::write_text(dir / "arch.yaml",
                        "ks: [3, 7, 3, 5, 3, 5, 5, 5, 7, 5, 3, 3, 5, 3, 5, 5, 7, 3, 7, 5]\n"
                        "e: [4, 6, 3, 6, 3, 4, 3, 3, 3, 6, 6, 3, 4, 6, 3, 4, 6, 3, 6, 3]\nd: [3, 3, 4, 2, 3]\nr: 188\n");
  const std::string common_args = " --arch " + (dir / "arch.yaml").string() + " --input " + (dir / "x.pt").string();
  const auto out_run = ofa::test::shell(ofa::test::tool("ofa-runtime") + " infer --weights " + (data_dir() / "golden/supernet_fp16.pt").string() +
                                  " --bn " + (dir / "bn.pt").string() + common_args + " --out " + (dir / "y.pt").string());
  INFO(out_run.output);
  REQUIRE(out_run.status == 0);
  const torch::Tensor y = load_tensor(dir / "y.pt");
  CHECK((y - entry.logits).abs().max().item<double>() < 1e-4);
  // Without weights: random, and it says so.
  const auto r_run = ofa::test::shell(ofa::test::tool("ofa-runtime") + " infer" + common_args + " --out " + (dir / "r.pt").string());
  CHECK(r_run.status == 0);
  CHECK_THAT(r_run.output, ofa::test::contains("weights: random"));
  // Bad inputs: one line, exit 2.
  save_tensor(dir / "bad.pt", torch::randn({1, 3, 160, 160}));
  const auto bad_run = ofa::test::shell(ofa::test::tool("ofa-runtime") + " infer --arch " + (dir / "arch.yaml").string() + " --input " +
                                  (dir / "bad.pt").string() + " --out " + (dir / "z.pt").string());
  CHECK(bad_run.status == 2);
  CHECK_THAT(bad_run.output, ofa::test::starts_with("ofa-runtime: error: ") && ofa::test::contains("expects [N, 3, 188, 188]"));
  CHECK_FALSE(std::filesystem::exists(dir / "z.pt"));
  const auto cuda_run = ofa::test::shell(ofa::test::tool("ofa-runtime") + " infer --device tpu" + common_args + " --out " + (dir / "z.pt").string());
  CHECK(cuda_run.status == 2);
  CHECK_THAT(cuda_run.output, ofa::test::contains("--device 'tpu'"));
}

TEST_CASE("the generated table has the shipped Jetson tables' key set at every resolution", "[lut]") {
  for (int r : w12().resolutions) {
    INFO("r = " << r);
    std::set<std::string> ours;
    for (const auto& l : distinct_layers(w12(), r)) ours.insert(lut_key(l));
    const LutFile shipped = read_lut_file(*find_lut_file(data_dir() / "luts/jetson_xavier_nx_gpu", r));
    std::set<std::string> theirs;
    for (const auto& [k, _] : shipped) theirs.insert(k);
    CHECK(ours == theirs);
  }
}

TEST_CASE("a tiny lut run end to end, and resume after an interruption", "[lut][measure]") {
  TempDir dir("lut");
  BuildLutOptions o;
  o.resolutions = {160};
  o.out_dir = dir.path();
  o.device.warmup = 0;
  o.device.repeats = 1;
  run_build_lut(o);
  const LutFile t = read_lut_file(dir / "160_lookup_table.json");
  CHECK(t.size() == distinct_layers(w12(), 160).size());
  for (const auto& [k, e] : t) {
    CHECK(e.mean > 0);
    CHECK(e.count == 1);
  }
  CHECK_FALSE(std::filesystem::exists(dir / ".160_lookup_table.partial.json"));
  auto one = w12();
  one.resolutions = {160};
  const auto lut = ofa::search::LatencyTable::load(dir.path(), one);
  CHECK(lut(small_arch()) > 0);

  // Simulate an interruption at r = 176: a partial file with a few layers done.
  LutFile partial;
  const auto layers = distinct_layers(w12(), 176);
  for (int i = 0; i < 5; ++i) partial[lut_key(layers[static_cast<std::size_t>(i)])] = {7, 123.0, 0.5};
  write_lut_file(dir / ".176_lookup_table.partial.json", partial);
  o.resolutions = {160, 176};
  o.resume = true;
  run_build_lut(o);
  const LutFile t176 = read_lut_file(dir / "176_lookup_table.json");
  CHECK(t176.size() == layers.size());
  for (int i = 0; i < 5; ++i) CHECK(t176.at(lut_key(layers[static_cast<std::size_t>(i)])).mean == 123.0);  // kept
  // Measured here: one timing (repeats 1), where the kept entries say 7; no assumption on its value.
  CHECK(t176.at(lut_key(layers[5])).count == 1);
  CHECK(read_lut_file(dir / "160_lookup_table.json").begin()->second.mean == t.begin()->second.mean);    // untouched
  CHECK_FALSE(std::filesystem::exists(dir / ".176_lookup_table.partial.json"));

  o.resolutions = {162};
  CHECK_THROWS_WITH(run_build_lut(o), ofa::test::contains("162 is not a resolution"));
  o.resolutions = {160};
  o.device.repeats = 0;
  CHECK_THROWS_WITH(run_build_lut(o), ofa::test::contains("--repeats 0 must be >= 1"));
}

TEST_CASE("ofa-measure latency: statistics, --top, resume", "[measure]") {
  TempDir dir("measure");
  const auto cands = ofa::test::small_candidates(dir);
  MeasureLatencyOptions o;
  o.candidates = cands;
  o.out = dir / "measured.yaml";
  o.selection.top = 2;
  o.device.warmup = 1;
  o.device.repeats = 3;
  o.rounds = 3;  // one call per candidate per round
  const MeasuredFile m = run_measure_latency(o);
  REQUIRE(m.rows.size() == 2);
  CHECK(m.rounds == 3);
  REQUIRE(m.noise);  // the half-split noise of the two candidates
  CHECK(m.noise->items == 2);
  CHECK(m.noise->mape >= 0);
  for (const auto& row : m.rows) {
    CHECK(row.measured.count == 3);
    CHECK(row.measured.p10_ms <= row.measured.median_ms);
    CHECK(row.measured.median_ms <= row.measured.p90_ms);
    CHECK(row.measured.mean_ms > 0);
    CHECK(row.candidate.latency_ms);  // predicted fields carried over
  }
  CHECK(m.weights == "random");
  CHECK_FALSE(m.allow_tf32);  // exact float32 unless --allow-tf32
  CHECK_THAT(m.libtorch, ofa::test::starts_with(TORCH_VERSION));  // and ONNX Runtime's version where auto may use it
  // The default, auto: the engine's name where this build has one contender.
  CHECK(m.engine == (ofa::runtime::auto_engines().size() > 1 ? "auto" : "optimized"));
  const MeasuredFile back = read_measured(o.out);
  REQUIRE(back.rows.size() == 2);
  CHECK(back.rows[0].candidate.arch == m.rows[0].candidate.arch);
  CHECK(back.rounds == 3);
  REQUIRE(back.noise);
  CHECK(back.noise->spearman == Approx(m.noise->spearman).margin(1e-5));

  // Interrupted after the first candidate: keep it, measure the rest.
  MeasuredFile cut = back;
  cut.rows.resize(1);
  // A value no real timing reaches, even under a sanitizer on a loaded machine; p10 and p90 move
  // with it so the reader accepts the distribution (p10 <= median <= p90).
  constexpr double kMarker = 1e7;
  cut.rows[0].measured.p10_ms = cut.rows[0].measured.median_ms = cut.rows[0].measured.p90_ms = kMarker;
  write_file_atomic(o.out, format_measured_yaml(cut));
  o.resume = true;
  const MeasuredFile resumed = run_measure_latency(o);
  REQUIRE(resumed.rows.size() == 2);
  CHECK(resumed.rows[0].measured.median_ms == kMarker);
  CHECK(resumed.rows[1].measured.median_ms < kMarker);
  // Resumed with nothing left to measure: the file's noise estimate stays.
  const MeasuredFile again = run_measure_latency(o);
  REQUIRE(again.noise);
  CHECK(read_measured(o.out).noise);
  o.device.repeats = 4;
  CHECK_THROWS_WITH(run_measure_latency(o), ofa::test::contains("measured with other settings"));
  o.device.repeats = 3;
  o.rounds = 1;
  CHECK_THROWS_WITH(run_measure_latency(o), ofa::test::contains("measured with other settings"));
}

TEST_CASE("calibration", "[calibrate]") {
  // measured = 2 * table + 1: the fit finds it and the table applies it from then on.
  TempDir dir("cal");
  const auto lut_dir = data_dir() / "luts/jetson_xavier_nx_gpu";
  std::filesystem::create_directories(dir / "lut");
  for (int r : w12().resolutions) std::filesystem::copy_file(*find_lut_file(lut_dir, r), dir / ("lut/" + std::to_string(r) + "_lookup_table.json"));
  auto space = w12();
  space.resolutions = {160, 192, 224};
  const auto raw = ofa::search::LatencyTable::load(dir / "lut", space);
  MeasuredFile m;
  m.space = "ofa-mbv3-w1.2";
  m.device = "cpu";
  ofa::search::Rng rng(1);
  for (int i = 0; i < 12; ++i) {
    MeasuredRow row;
    row.candidate.id = i;
    row.candidate.arch = ofa::search::random_arch(space, rng);
    row.measured.median_ms = 2 * raw(row.candidate.arch) + 1;
    row.measured.p10_ms = row.measured.p90_ms = row.measured.median_ms;
    m.rows.push_back(row);
  }
  write_file_atomic(dir / "measured.yaml", format_measured_yaml(m));
  const std::string report = run_calibrate({dir / "lut", dir / "measured.yaml", false, ""});
  CHECK_THAT(report, ofa::test::contains("2.0000 * table sum +1.0000 ms"));
  const auto cal = read_lut_calibration(dir / "lut");
  REQUIRE(cal);
  // measured.yaml keeps 8 significant digits of each timing, so the fit is exact to about 1e-8.
  CHECK(cal->mape_after == Approx(0).margin(1e-5));
  CHECK(cal->spearman == Approx(1.0));
  const auto calibrated = ofa::search::LatencyTable::load(dir / "lut", space);
  for (const auto& row : m.rows) CHECK(calibrated(row.candidate.arch) == Approx(row.measured.median_ms).epsilon(1e-7));
  CHECK(ofa::search::LatencyTable::load(dir / "lut", space, false)(m.rows[0].candidate.arch) == raw(m.rows[0].candidate.arch));

  // Every output that used the calibrated table says so, with the values and where they came from.
  write_text(dir / "p.yaml", "format: ofa-profile/1\nname: cal\ndevice: test\nspace: ofa-mbv3-w1.2\n"
                             "predictor: data:predictors/ofa_mbv3_w1.2_acc_predictor.pt\nlut: " + (dir / "lut").string() +
                             "\nmetric: latency\nsearch: {resolutions: [160, 192, 224], constraints: [60], population: 20, generations: 5}\n");
  const auto run = ofa::test::shell(tool("ofa-search") + " --profile " + (dir / "p.yaml").string() + " --out " + (dir / "s").string() + " --quiet");
  INFO(run.output);
  REQUIRE(run.status == 0);
  const CandidatesFile cands = read_candidates(dir / "s/candidates.yaml");
  REQUIRE(cands.lut_calibration);
  CHECK(cands.lut_calibration->scale == Approx(cal->scale).epsilon(1e-12));
  CHECK(cands.lut_calibration->offset_ms == Approx(cal->offset_ms).epsilon(1e-12));
  CHECK(cands.lut_calibration->file == calibration_path(dir / "lut").string());
  CHECK(cands.lut_calibration->measured == (dir / "measured.yaml").string());
  const auto predicted = ofa::test::shell(tool("ofa-search") + " predict --profile " + (dir / "p.yaml").string() + " --archs " +
                                          (source_dir() / "configs/examples/single-arch.yaml").string());
  CHECK_THAT(predicted.output, ofa::test::starts_with("# lut_calibration: {scale: 1.99999") && ofa::test::contains("file: \"" + calibration_path(dir / "lut").string()));

  // A fit that would make the smallest network predict <= 0 ms is not written (every reader refuses it).
  // Only rows at r >= 192 are measured: the check covers the table's other resolutions too.
  MeasuredFile steep = m;
  std::erase_if(steep.rows, [](const MeasuredRow& r) { return r.candidate.arch.r < 192; });
  REQUIRE(steep.rows.size() >= 3);
  const double small = ofa::search::LatencyTable::load(dir / "lut", space, false).table().min_value_at(160);
  double smallest_row = 1e300;
  for (const auto& row : steep.rows) smallest_row = std::min(smallest_row, raw(row.candidate.arch));
  // measured = 5 * (table - c), c between the space's smallest sum and the rows': every row
  // positive, the smallest network negative.
  const double c = 0.5 * (small + smallest_row);
  for (auto& row : steep.rows) row.measured.median_ms = row.measured.p10_ms = row.measured.p90_ms = 5 * (raw(row.candidate.arch) - c);
  REQUIRE(std::all_of(steep.rows.begin(), steep.rows.end(), [](const MeasuredRow& r) { return r.measured.median_ms > 0; }));
  write_file_atomic(dir / "steep.yaml", format_measured_yaml(steep));
  const std::string before = read_file(calibration_path(dir / "lut"));
  CHECK_THROWS_WITH(run_calibrate({dir / "lut", dir / "steep.yaml", false, ""}),
                    ofa::test::contains("for the smallest network at r=160") && ofa::test::contains("nothing written"));
  CHECK(read_file(calibration_path(dir / "lut")) == before);

  // measured.yaml carries the candidates' calibration (their latency_ms used it); older files read as none.
  MeasuredFile carried = m;
  carried.lut_calibration = cands.lut_calibration;
  write_file_atomic(dir / "carried.yaml", format_measured_yaml(carried));
  REQUIRE(read_measured(dir / "carried.yaml").lut_calibration);
  CHECK(read_measured(dir / "carried.yaml").lut_calibration->file == cands.lut_calibration->file);
  CHECK_FALSE(read_measured(dir / "measured.yaml").lut_calibration);

  // The shipped data folder is shared by every profile: calibrating a table there is refused
  // unless forced (here `dir` plays the data folder).
  std::filesystem::remove(calibration_path(dir / "lut"));
  CHECK_THROWS_WITH(run_calibrate({dir / "lut", dir / "measured.yaml", false, dir.path().string()}),
                    ofa::test::contains("is inside the data folder") && ofa::test::contains("--into-data-dir"));
  CHECK_FALSE(std::filesystem::exists(calibration_path(dir / "lut")));
  CHECK_THROWS_WITH(run_calibrate({dir / "lut/../lut", dir / "measured.yaml", false, dir.path().string()}),
                    ofa::test::contains("is inside the data folder"));
  run_calibrate({dir / "lut", dir / "measured.yaml", true, dir.path().string()});
  CHECK(std::filesystem::exists(calibration_path(dir / "lut")));

  // A zero median (a broken measurement) would make MAPE infinite and the table unloadable:
  // refused before anything is written (by the measured file's reader, which every command shares).
  std::filesystem::remove(calibration_path(dir / "lut"));
  m.rows[3].measured.median_ms = m.rows[3].measured.p10_ms = 0;
  write_file_atomic(dir / "zero.yaml", format_measured_yaml(m));
  CHECK_THROWS_WITH(run_calibrate({dir / "lut", dir / "zero.yaml", false, ""}),
                    ofa::test::contains("zero.yaml: measurements[3]: measured.median_ms = 0 must be positive"));
  CHECK_FALSE(std::filesystem::exists(calibration_path(dir / "lut")));

  // Issue #29: --measured naming the calibration calibrate writes (directly or through a link)
  // was replaced by it. The implicit output is checked against the inputs: refused, untouched.
  m.rows[3].measured.median_ms = m.rows[3].measured.p10_ms = 5;
  const std::string measured = format_measured_yaml(m);
  write_file_atomic(calibration_path(dir / "lut"), measured);
  CHECK_THROWS_WITH(run_calibrate({dir / "lut", calibration_path(dir / "lut"), false, ""}),
                    ofa::test::contains("is --measured") && ofa::test::contains("an input"));
  std::filesystem::create_symlink(calibration_path(dir / "lut"), dir / "link.yaml");
  CHECK_THROWS_WITH(run_calibrate({dir / "lut", dir / "link.yaml", false, ""}), ofa::test::contains("is --measured"));
  CHECK(read_file(calibration_path(dir / "lut")) == measured);
  // --lut naming a file is said as such.
  CHECK_THROWS_WITH(run_calibrate({dir / "measured.yaml", dir / "zero.yaml", false, ""}), ofa::test::contains("is a file; it names the folder"));
}

TEST_CASE("ofa-measure lut: resolutions that are not whole pixel counts are one line and exit 2", "[lut][cli][errors]") {
  TempDir dir("lut-res");
  for (const char* r : {"1e10", "160.5", "0", "1e10:1e10:1"}) {
    INFO(r);
    const auto run = ofa::test::shell(ofa::test::tool("ofa-measure") + " lut --out " + (dir / "lut").string() + " --resolutions " + r);
    CHECK(run.status == 2);
    CHECK_THAT(run.output, ofa::test::contains("--resolutions: ") && ofa::test::contains("is not a whole number of pixels"));
    CHECK_FALSE(std::filesystem::exists(dir / "lut"));
  }
  // A malformed range names the flag it came from (it used to name --constraints).
  const auto range = ofa::test::shell(ofa::test::tool("ofa-measure") + " lut --out " + (dir / "lut").string() + " --resolutions 224:160:x");
  CHECK(range.status == 2);
  CHECK_THAT(range.output, ofa::test::starts_with("ofa-measure: error: --resolutions '224:160:x'"));
}

TEST_CASE("TF32 is off unless asked, and measured and library files record the setting", "[measure][tf32]") {
  // LibTorch's own default lets cuDNN use TF32; the commands set it explicitly either way.
  apply_tf32(true);
  CHECK(at::globalContext().allowTF32CuDNN());
  CHECK(at::globalContext().allowTF32CuBLAS());
  apply_tf32(false);
  CHECK_FALSE(at::globalContext().allowTF32CuDNN());
  CHECK_FALSE(at::globalContext().allowTF32CuBLAS());

  TempDir dir("tf32");
  MeasuredFile m;
  m.space = "ofa-mbv3-w1.2";
  m.device = "cpu";
  m.allow_tf32 = false;
  // One real row: an empty `measurements:` reads as null in yaml-cpp 0.8 (Debian 13).
  MeasuredRow row;
  row.candidate.arch = read_archs(data_dir() / "golden/cases_public.yaml", w12()).front().arch;
  row.measured.count = 5;
  row.measured.mean_ms = row.measured.median_ms = 1.0;
  row.measured.p10_ms = 0.9;
  row.measured.p90_ms = 1.1;
  m.rows.push_back(row);
  write_file_atomic(dir / "m.yaml", format_measured_yaml(m));
  CHECK_FALSE(read_measured(dir / "m.yaml").allow_tf32);
  // A file written before the key: measured with LibTorch's default, TF32 allowed.
  std::string text = format_measured_yaml(m);
  text.erase(text.find("allow_tf32: false\n"), std::string("allow_tf32: false\n").size());
  write_file_atomic(dir / "old.yaml", text);
  CHECK(read_measured(dir / "old.yaml").allow_tf32);
  text = format_measured_yaml(m);
  text.replace(text.find("allow_tf32: false"), 17, "allow_tf32: maybe");
  write_file_atomic(dir / "bad.yaml", text);
  CHECK_THROWS_WITH(read_measured(dir / "bad.yaml"), ofa::test::contains("key 'allow_tf32' must be true or false, got 'maybe'"));

  const auto lib = ofa::test::golden_library(dir.path());
  LibraryFile l = lib.library;
  l.allow_tf32 = false;
  write_file_atomic(dir / "library.yaml", format_library_yaml(l));
  CHECK_FALSE(read_library(dir / "library.yaml").allow_tf32);
  for (const char* tool_name : {"ofa-measure latency", "ofa-measure lut", "ofa-runtime infer", "ofa-runtime run"}) {
    INFO(tool_name);
    const std::string t(tool_name);
    const auto help = ofa::test::shell(tool(t.substr(0, t.find(' ')).c_str()) + " " + t.substr(t.find(' ') + 1) + " --help");
    CHECK_THAT(help.output, ofa::test::contains("--allow-tf32"));
  }
}
