// Dynamic-OFA's level files: read as data, mapped to supernet names, imported as a library; bad files refused.
#include <sys/stat.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "dynamic_ofa_writer.hpp"
#include "ofa/common/dynamic_ofa_levels.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/pickle.hpp"
#include "ofa/common/state_dict_file.hpp"
#include "ofa/search/random.hpp"
#include "ofa/search/sampling.hpp"
#include "search/commands/import_dynamic_ofa_command.hpp"
#include "test_support.hpp"

#include "catch.hpp"

using namespace ofa::common;
using ofa::test::contains;
using ofa::test::data_dir;
using ofa::test::DynofaLevelSpec;
using ofa::test::DynofaPickle;
using ofa::test::TempDir;

namespace {

const SearchSpace& space() {
  static const SearchSpace s = search_space("ofa-mbv3-w1.2");
  return s;
}

ArchConfig arch_with(std::array<int, kStages> d, int r, std::uint64_t seed) {
  ofa::search::Rng rng(seed);
  ArchConfig a = ofa::search::random_arch(space(), rng);
  a.d = d;
  a.r = r;
  return a;
}

std::vector<DynofaLevelSpec> two_levels() {
  DynofaLevelSpec a, b;
  a.arch = arch_with({2, 3, 2, 4, 2}, 176, 1);
  a.top1 = 74.2;
  a.latency_ms = 41.2;
  b.arch = arch_with({4, 4, 4, 4, 4}, 224, 2);
  b.top1 = 79.5;
  b.latency_ms = 60.0;
  return {a, b};
}

std::string import_error(const std::filesystem::path& pickle, const std::filesystem::path& out) {
  try {
    ofa::search::ImportDynamicOfaOptions o;
    o.pickle = pickle;
    o.out = out;
    ofa::search::run_import_dynamic_ofa(o);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("subnet BNs map to supernet blocks stage by stage, not by subnet index", "[dynamic_ofa]") {
  ArchConfig a = arch_with({3, 2, 3, 2, 2}, 192, 3);
  const auto bns = subnet_batchnorms(space(), a);
  REQUIRE(bns.size() == 3 * 12 + 4);  // 3 * sum(d) + 4
  CHECK(bns[0].old_name == "first_conv.bn");
  CHECK(bns[0].channels == 24);
  CHECK(bns[1].supernet_name == "blocks.0.conv.depth_conv.bn");
  CHECK(bns[2].supernet_name == "blocks.0.conv.point_linear.bn");
  CHECK(bns.back().supernet_name == "final_expand_layer.bn");
  CHECK(bns.back().channels == 1152);
  // The README's example: subnet blocks 1-3 at supernet 1-3, 4-5 at 5-6, 6-8 at 9-11, 9-10 at 13-14, 11-12 at 17-18.
  const int expected[] = {1, 2, 3, 5, 6, 9, 10, 11, 13, 14, 17, 18};
  for (int k = 1; k <= 12; ++k) {
    INFO("subnet block " << k);
    const SubnetBn& b = bns[3 + 3 * (k - 1)];
    CHECK(b.old_name == "blocks." + std::to_string(k) + ".mobile_inverted_conv.inverted_bottleneck.bn");
    CHECK(b.supernet_name == "blocks." + std::to_string(expected[k - 1]) + ".conv.inverted_bottleneck.bn.bn");
  }
}

TEST_CASE("the fixture's levels read in both layouts: architectures, figures and BN statistics bitwise", "[dynamic_ofa]") {
  const YAML::Node expected = YAML::LoadFile((data_dir() / "dynamic_ofa/dynofa_expected.yaml").string());
  const SavedObject reference = read_torch_file(data_dir() / "dynamic_ofa/dynofa_expected.pt");
  for (const char* name : {"dynofa_levels.pickle", "dynofa_levels_list.pickle"}) {
    INFO(name);
    const auto levels = read_dynamic_ofa_levels(data_dir() / "dynamic_ofa" / name, space());
    REQUIRE(levels.size() == expected["levels"].size());
    REQUIRE(reference.items.size() == levels.size());
    for (std::size_t i = 0; i < levels.size(); ++i) {
      INFO("level " << i);
      const YAML::Node e = expected["levels"][i];
      CHECK(levels[i].arch.r == e["arch"]["r"].as<int>());
      for (int b = 0; b < kBlocks; ++b)
        if (levels[i].arch.active(b)) {
          CHECK(levels[i].arch.ks[b] == e["arch"]["ks"][b].as<int>());
          CHECK(levels[i].arch.e[b] == e["arch"]["e"][b].as<int>());
        }
      for (int s = 0; s < kStages; ++s) CHECK(levels[i].arch.d[s] == e["arch"]["d"][s].as<int>());
      CHECK(levels[i].top1_percent == e["accuracy"].as<double>());
      CHECK(levels[i].latency_ms == e["latency_ms"].as<double>());
      CHECK(levels[i].calibration_images == e["calibration_images"].as<int>());
      CHECK(levels[i].bn.size() == 2 * e["n_bn"].as<std::size_t>());
      // Every statistic equals OFA's (what a correct import yields), bit for bit, under the same names.
      const SavedObject& bn = *reference.items[i].find("bn");
      REQUIRE(bn.keys.size() == levels[i].bn.size());
      for (const auto& [key, t] : levels[i].bn) {
        INFO(key);
        const SavedObject* want = bn.find(key);
        REQUIRE(want);
        const std::vector<float> w = want->tensor.to_float();
        REQUIRE(w.size() == t.values.size());
        CHECK(std::memcmp(w.data(), t.values.data(), w.size() * sizeof(float)) == 0);
      }
    }
  }
}

TEST_CASE("import-dynamic-ofa writes a library and BN files the readers accept, from either layout", "[dynamic_ofa]") {
  TempDir dir("dynofa-import");
  for (bool numpy_bn : {true, false}) {
    INFO("numpy layout " << numpy_bn);
    const auto specs = two_levels();
    const std::string tag = numpy_bn ? "n6" : "n7";
    write_file_atomic(dir / (tag + ".pickle"), DynofaPickle().write(specs, numpy_bn));
    const auto out = dir / tag / "library.yaml";
    ofa::search::ImportDynamicOfaOptions o;
    o.pickle = dir / (tag + ".pickle");
    o.out = out;
    o.latency_device = "jetson-xavier-nx-gpu";
    const std::string table = ofa::search::run_import_dynamic_ofa(o);
    CHECK_THAT(table, contains("2 levels"));
    const LibraryFile lib = read_library(out);
    CHECK(lib.format_version == 3);
    CHECK(lib.latency_device == "jetson-xavier-nx-gpu");
    CHECK(lib.weights == "random");
    REQUIRE(lib.levels.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      CHECK(lib.levels[i].arch == specs[i].arch);
      CHECK(lib.levels[i].accuracy == Approx(specs[i].top1 / 100).epsilon(1e-12));
      CHECK(lib.levels[i].latency_median_ms == Approx(specs[i].latency_ms).epsilon(1e-7));
      CHECK(lib.levels[i].accuracy_source == "measured");
      const SavedStateDict bn = read_state_dict(out.parent_path() / lib.levels[i].bn);
      const auto bns = subnet_batchnorms(space(), specs[i].arch);
      REQUIRE(bn.size() == 2 * bns.size());
      for (const SubnetBn& b : bns) {
        CHECK(bn.at(b.supernet_name + ".running_mean").numel() == b.channels);
        CHECK(bn.at(b.supernet_name + ".running_var").to_float()[0] == 0.5f);
      }
    }
  }
}

TEST_CASE("import-dynamic-ofa never writes a BN file over its pickle or --weights", "[dynamic_ofa][errors]") {
  TempDir dir("dynofa-inputs");
  const std::string pickle = DynofaPickle().write(two_levels(), true);
  write_file_atomic(dir / "library_bn/level_1.pt", pickle);
  write_file_atomic(dir / "library_bn/level_0.pt", "weights");
  ofa::search::ImportDynamicOfaOptions o;
  o.pickle = dir / "library_bn/level_1.pt";
  o.out = dir / "library.yaml";
  CHECK_THROWS_WITH(ofa::search::run_import_dynamic_ofa(o), contains("is the pickle"));
  write_file_atomic(dir / "in.pickle", pickle);
  o.pickle = dir / "in.pickle";
  o.weights = dir / "library_bn/level_0.pt";
  CHECK_THROWS_WITH(ofa::search::run_import_dynamic_ofa(o), contains("a BN file") && contains("is --weights") &&
                                                               contains("; choose another --out (its BN files go to <stem>_bn/ beside it)"));
  CHECK(read_file(dir / "library_bn/level_0.pt") == "weights");
  CHECK(read_file(dir / "library_bn/level_1.pt") == pickle);
  CHECK_FALSE(std::filesystem::exists(dir / "library.yaml"));
  o.weights = dir / "no-such-supernet.pt";
  CHECK_THROWS_WITH(ofa::search::run_import_dynamic_ofa(o), contains("--weights " + (dir / "no-such-supernet.pt").string() + ": does not exist"));
  o.weights = dir.path();
  CHECK_THROWS_WITH(ofa::search::run_import_dynamic_ofa(o), contains("is not a regular file"));
  CHECK_FALSE(std::filesystem::exists(dir / "library.yaml"));
}

TEST_CASE("bad Dynamic-OFA files are one line naming the level and key, and nothing is written", "[dynamic_ofa][errors]") {
  TempDir dir("dynofa-bad");
  auto refused = [&](const std::string& bytes, const std::string& message) {
    INFO(message);
    write_file_atomic(dir / "bad.pickle", bytes);
    const auto out = dir / "o" / "library.yaml";
    const std::string e = import_error(dir / "bad.pickle", out);
    CHECK_THAT(e, contains(message));
    CHECK(e.find('\n') == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK_FALSE(std::filesystem::exists(dir / "o" / "library_bn"));
  };
  auto specs = two_levels();
  SECTION("a config out of the space") {
    specs[1].arch.r = 161;
    refused(DynofaPickle().write(specs, true), "level 1: configs: ");
    specs[1].arch.r = 224;
    specs[0].arch.ks[0] = 9;
    refused(DynofaPickle().write(specs, true), "level 0: configs: ");
  }
  SECTION("a BN of the wrong length, a missing BN, NaN, a negative variance") {
    specs[1].edit = [](std::size_t i, bool var, std::vector<float>& v) {
      if (i == 5 && var) v.pop_back();
    };
    refused(DynofaPickle().write(specs, false), "level 1: bn_lists: var '");
    specs[1].edit = nullptr;
    specs[0].drop_bn = 7;
    refused(DynofaPickle().write(specs, false), "level 0: bn_lists: mean: ");
    specs[0].drop_bn = SIZE_MAX;
    specs[0].edit = [](std::size_t i, bool var, std::vector<float>& v) {
      if (i == 3 && !var) v[2] = std::numeric_limits<float>::quiet_NaN();
    };
    refused(DynofaPickle().write(specs, true), "avg[2] is not finite");
    specs[0].edit = [](std::size_t i, bool var, std::vector<float>& v) {
      if (i == 0 && var) v[1] = -0.25f;
    };
    refused(DynofaPickle().write(specs, true), "negative variance");
  }
  SECTION("figures that are not [top-1 %, ms], an unsupported dtype, levels out of order") {
    specs[0].top1 = 740;
    refused(DynofaPickle().write(specs, true), "level 0: accu_lat: top-1 740");
    specs[0].top1 = 74;
    specs[0].latency_ms = -3;
    refused(DynofaPickle().write(specs, true), "level 0: accu_lat: latency -3");
    specs[0].latency_ms = 41;
    specs[0].accu_dtype = "f2";
    refused(DynofaPickle().write(specs, true), "numpy array of dtype 'f2'");
    specs[0].accu_dtype = "f8";
    specs[0].latency_ms = 70;
    refused(DynofaPickle().write(specs, true), "levels must be sorted fastest first");
  }
  SECTION("a pickle of another shape") {
    refused(DynofaPickle().write(specs, true, "extra"), "unknown key 'extra'");
    ofa::test::PickleWriter list;
    list.op(']').stop();
    refused(list.bytes(), "not Dynamic-OFA's dict");
    refused(read_file(data_dir() / "golden/supernet_fp16.pt"), "a zip archive (a torch.save file?), not a plain pickle");
  }
  SECTION("every truncation is an error, never a crash") {
    const std::string whole = DynofaPickle().write({specs[0]}, true);
    for (std::size_t n = 0; n < whole.size(); n += 1 + n / 16) {
      write_file_atomic(dir / "cut.pickle", whole.substr(0, n));
      CHECK_THROWS_AS(read_dynamic_ofa_levels(dir / "cut.pickle", space()), Error);
    }
  }
}

TEST_CASE("a FIFO or a device as a binary input is refused in one line before a byte is read, never waited on", "[dynamic_ofa][errors]") {
  // Issue #29: a FIFO as the pickle hung import-dynamic-ofa (an open for reading waits for a
  // writer), /dev/zero was "empty file". Every binary input goes through read_file.
  TempDir dir("special-inputs");
  const std::filesystem::path fifo = dir / "levels.pickle";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(read_file(fifo), contains(fifo.string() + ": is not a regular file"));
  CHECK_THROWS_WITH(read_file("/dev/zero"), contains("/dev/zero: is not a regular file"));
  ofa::search::ImportDynamicOfaOptions o;
  o.pickle = fifo;
  o.out = dir / "library.yaml";
  CHECK_THROWS_WITH(ofa::search::run_import_dynamic_ofa(o), contains("is not a regular file"));
  o.pickle = "/dev/zero";
  CHECK_THROWS_WITH(ofa::search::run_import_dynamic_ofa(o), contains("is not a regular file"));
  CHECK_FALSE(std::filesystem::exists(dir / "library.yaml"));
  // A symlink to a regular file is that file.
  write_file_atomic(dir / "real.txt", "bytes");
  std::filesystem::create_symlink(dir / "real.txt", dir / "link.txt");
  CHECK(read_file(dir / "link.txt") == "bytes");
}

TEST_CASE("messages name a pickle's kinds with their article", "[dynamic_ofa][errors]") {
  // Issue #29: "data is a object".
  CHECK(ofa::common::pickle::a_kind("object") == "an object");
  CHECK(ofa::common::pickle::a_kind("int") == "an int");
  CHECK(ofa::common::pickle::a_kind("dict") == "a dict");
  CHECK(ofa::common::pickle::a_kind("None") == "None");
}
