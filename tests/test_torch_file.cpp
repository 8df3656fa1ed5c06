#include "catch.hpp"

#include <cstring>
#include <numeric>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/state_dict_file.hpp"
#include "ofa/common/torch_file.hpp"
#include "ofa/common/torch_save_writer.hpp"
#include "ofa/common/zip_archive.hpp"
#include "pt_writer.hpp"
#include "test_support.hpp"

using namespace ofa::common;
using ofa::test::contains;
using ofa::test::data_dir;
using ofa::test::PickleWriter;

namespace {

SavedObject parse(const std::string& bytes, const std::string& where = "t.pt") {
  return parse_torch_file(std::make_shared<const std::string>(bytes), where);
}

std::string error_of(const std::string& bytes, const std::string& where = "t.pt") {
  try {
    parse(bytes, where);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// {'state_dict': {'w': <tensor>}} with one storage `key`, written by `body`.
std::string one_tensor_zip(const std::string& type, std::int64_t numel, std::int64_t offset, std::vector<std::int64_t> sizes,
                           std::vector<std::int64_t> strides, const std::string& storage,
                           const std::string& rebuild = "_rebuild_tensor_v2", const std::string& module = "torch._utils") {
  PickleWriter p;
  p.op('}').str("state_dict").op('}').str("w").tensor(type, "0", numel, offset, sizes, strides, rebuild, module).op('s').op('s').stop();
  return ofa::test::torch_zip(p.bytes(), {{"0", storage}});
}

std::vector<float> iota_floats(int n) {
  std::vector<float> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0.0f);
  return v;
}

}  // namespace

TEST_CASE("crc32 gives the standard check value", "[torch_file]") {
  CHECK(crc32("123456789") == 0xCBF43926u);
  CHECK(crc32("") == 0u);
  // Chunked updates agree with one pass (the slicing path and the byte path meet).
  const std::string s(1000, 'x');
  CHECK(crc32(s.substr(3), crc32(s.substr(0, 3))) == crc32(s));
}

TEST_CASE("both serializations of the mixed fixture read back exactly", "[torch_file]") {
  for (const char* name : {"mixed_zip.pt", "mixed_legacy.pt"}) {
    INFO(name);
    const SavedObject root = read_torch_file(data_dir() / "golden" / name);
    REQUIRE(root.kind == SavedObject::Kind::Dict);
    const SavedStateDict d = read_state_dict(data_dir() / "golden" / name);  // OFA's {'state_dict': ...} layout
    REQUIRE(d.size() == 5);

    const SavedTensor& a = require(d, "a.weight", name);
    CHECK(a.dtype == DType::Float32);
    CHECK(a.sizes == std::vector<std::int64_t>{4, 6});
    CHECK(a.to_float() == iota_floats(24));

    const SavedTensor& view = require(d, "a.view", name);  // a.weight[1:3, 2:5]: the same storage
    CHECK(view.storage == a.storage);
    CHECK(view.sizes == std::vector<std::int64_t>{2, 3});
    CHECK(!view.is_contiguous());
    CHECK(view.to_float() == std::vector<float>{8, 9, 10, 14, 15, 16});

    const SavedTensor& h = require(d, "b.half", name);
    CHECK(h.dtype == DType::Float16);
    const std::vector<float> hv = h.to_float();
    REQUIRE(hv.size() == 24);
    // Values as Python's struct module decodes the stored halves (i / 7 rounded to float16).
    CHECK(hv[1] == 0.142822265625f);
    CHECK(hv[23] == 3.28515625f);
    for (int i = 0; i < 24; ++i) CHECK(std::abs(hv[static_cast<std::size_t>(i)] - i / 7.0f) <= 2e-3f);

    const SavedTensor& n = require(d, "c.num_batches_tracked", name);
    CHECK(n.dtype == DType::Int64);
    CHECK(n.sizes.empty());
    CHECK(n.to_int64() == std::vector<std::int64_t>{17});

    const SavedTensor& t = require(d, "d.double", name);  // a float64 transpose: strides (1, 6)
    CHECK(t.dtype == DType::Float64);
    CHECK(t.sizes == std::vector<std::int64_t>{6, 4});
    CHECK(t.strides == std::vector<std::int64_t>{1, 6});
    const std::vector<double> tv = t.to_double();
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 4; ++j) CHECK(tv[static_cast<std::size_t>(i * 4 + j)] == i + 6 * j);
  }
}

TEST_CASE("the predictor saved the old way in OFA's layout equals the published one", "[torch_file]") {
  const SavedStateDict legacy = read_state_dict(data_dir() / "golden/predictor_ofa_layout_legacy.pt");
  const SavedStateDict zip = read_state_dict(data_dir() / "predictors/ofa_mbv3_w1.2_acc_predictor.pt");
  REQUIRE(legacy.size() == 8);
  REQUIRE(zip.size() == 8);
  for (const auto& [key, t] : zip) {
    INFO(key);
    const SavedTensor& l = require(legacy, key, "legacy");
    CHECK(l.sizes == t.sizes);
    CHECK(l.to_float() == t.to_float());
  }
  CHECK(require(zip, "0.weight", "zip").sizes == std::vector<std::int64_t>{400, 128});
}

TEST_CASE("the fp16 supernet fixture reads as float16 weights and int64 counters", "[torch_file]") {
  const SavedStateDict d = read_state_dict(data_dir() / "golden/supernet_fp16.pt");
  CHECK(d.size() == 475);
  const SavedTensor& w = require(d, "first_conv.conv.weight", "supernet");
  CHECK(w.dtype == DType::Float16);
  CHECK(w.sizes == std::vector<std::int64_t>{24, 3, 3, 3});
  CHECK(w.is_contiguous());
  CHECK(require(d, "first_conv.bn.num_batches_tracked", "supernet").dtype == DType::Int64);
}

TEST_CASE("containers and scalars torch.save writes are read", "[torch_file]") {
  PickleWriter p;
  p.op('}').op('q').byte(0);  // memoised: shared below
  p.mark();
  p.str("list").op(']').mark().integer(1).integer(-5).integer(1LL << 40).real(2.5).op('N').op(0x88).op('e');
  p.str("tuple").mark().str("x").op('C').byte(2).byte('a').byte('b').tuple();
  p.str("ints").op('}').integer(3).str("three").op('s');
  p.str("dup").integer(1).str("dup").integer(2);  // a repeated key: the last value wins, as in Python
  p.str("w").tensor("DoubleStorage", "k", 3, 1, {2}, {1}, "_rebuild_tensor");  // the older rebuild function
  p.op('u');
  p.str("self").op('h').byte(0).op('s');  // a dict holding itself: a cycle
  p.stop();
  const std::string file = ofa::test::torch_zip(p.bytes(), {{"k", ofa::test::raw_bytes(std::vector<double>{1, 2, 3})}});
  // The cycle is refused (by the object budget here, as each level holds several), naming the path.
  CHECK_THROWS_WITH(parse(file), contains("t.pt: key 'self/self/self/"));
  PickleWriter loop;
  loop.op(']').op('q').byte(0).op('h').byte(0).op('a').stop();  // a list holding itself
  CHECK_THROWS_WITH(parse(ofa::test::torch_zip(loop.bytes(), {})), contains("nested deeper than 64 levels (a cycle?)"));

  PickleWriter q;
  q.op('}').mark();
  q.str("list").op(']').mark().integer(1).integer(-5).integer(1LL << 40).real(2.5).op('N').op(0x88).op('e');
  q.str("tuple").mark().str("x").op('C').byte(2).byte('a').byte('b').tuple();
  q.str("ints").op('}').integer(3).str("three").op('s');
  q.str("dup").integer(1).str("dup").integer(2);
  q.str("w").tensor("DoubleStorage", "k", 3, 1, {2}, {1}, "_rebuild_tensor");
  q.op('u').stop();
  const SavedObject o = parse(ofa::test::torch_zip(q.bytes(), {{"k", ofa::test::raw_bytes(std::vector<double>{1, 2, 3})}}));
  REQUIRE(o.kind == SavedObject::Kind::Dict);
  CHECK(o.keys.size() == 5);
  const SavedObject* list = o.find("list");
  REQUIRE(list);
  REQUIRE(list->items.size() == 6);
  CHECK(list->items[0].integer == 1);
  CHECK(list->items[1].integer == -5);
  CHECK(list->items[2].integer == (1LL << 40));
  CHECK(list->items[3].real == 2.5);
  CHECK(list->items[4].kind == SavedObject::Kind::None);
  CHECK(list->items[5].boolean);
  CHECK(o.find("tuple")->items[1].text == "ab");
  CHECK(o.find("ints")->keys[0].integer == 3);
  CHECK(o.find("dup")->integer == 2);
  CHECK(o.find("w")->tensor.to_double() == std::vector<double>{2, 3});
}

TEST_CASE("malformed torch files are one-line errors naming the file and the key", "[torch_file]") {
  using ofa::test::raw_bytes;
  const std::string floats = raw_bytes(iota_floats(24));

  SECTION("a well-formed crafted file reads") {
    CHECK(parse(one_tensor_zip("FloatStorage", 24, 0, {4, 6}, {6, 1}, floats)).find("state_dict")->find("w")->tensor.numel() == 24);
  }
  SECTION("a class torch.save does not write for tensors") {
    const std::string e = error_of(one_tensor_zip("FloatStorage", 24, 0, {4, 6}, {6, 1}, floats, "_reconstruct", "numpy.core.multiarray"));
    CHECK_THAT(e, contains("t.pt: key 'state_dict/w': unsupported pickle class 'numpy.core.multiarray._reconstruct'"));
  }
  SECTION("an unknown storage type") {
    CHECK_THAT(error_of(one_tensor_zip("QInt8Storage", 24, 0, {4, 6}, {6, 1}, floats)),
               contains("key 'state_dict/w': unsupported storage type 'torch.QInt8Storage'"));
  }
  SECTION("a storage shorter than its header says") {
    CHECK_THAT(error_of(one_tensor_zip("FloatStorage", 24, 0, {4, 6}, {6, 1}, floats.substr(0, 40))),
               contains("key 'state_dict/w': storage '0' holds 40 bytes, its 24 float32 values need 96"));
  }
  SECTION("a tensor reaching past its storage") {
    CHECK_THAT(error_of(one_tensor_zip("FloatStorage", 24, 1, {4, 6}, {6, 1}, floats)), contains("reaches element 24"));
    CHECK_THAT(error_of(one_tensor_zip("FloatStorage", 24, 0, {5, 6}, {6, 1}, floats)), contains("key 'state_dict/w'"));
  }
  SECTION("sizes that overflow") {
    CHECK_THAT(error_of(one_tensor_zip("FloatStorage", 24, 0, {1LL << 40, 1LL << 40}, {1, 1}, floats)), contains("overflows"));
    CHECK_THAT(error_of(one_tensor_zip("FloatStorage", 24, 0, {2, 2}, {1LL << 62, 1LL << 62}, floats)), contains("overflows"));
  }
  SECTION("negative sizes, mismatched strides") {
    CHECK_THAT(error_of(one_tensor_zip("FloatStorage", 24, 0, {-1, 6}, {6, 1}, floats)), contains("negative value -1"));
    CHECK_THAT(error_of(one_tensor_zip("FloatStorage", 24, 0, {4, 6}, {6}, floats)), contains("differ in length"));
  }
  SECTION("a storage member missing") {
    PickleWriter p;
    p.op('}').str("w").tensor("FloatStorage", "9", 24, 0, {24}, {1}).op('s').stop();
    CHECK_THAT(error_of(ofa::test::torch_zip(p.bytes(), {})), contains("key 'w': storage '9' has no member 'archive/data/9'"));
  }
  SECTION("a corrupt member") {
    std::string file = one_tensor_zip("FloatStorage", 24, 0, {4, 6}, {6, 1}, floats);
    file[file.find(floats) + 5] ^= 0x40;
    CHECK_THAT(error_of(file), contains("member 'archive/data/0' is corrupt (CRC-32 mismatch)"));
  }
  SECTION("a compressed member") {
    CHECK_THAT(error_of(ofa::test::zip_archive({{"archive/data.pkl", "x"}}, 8)), contains("is compressed (method 8)"));
  }
  SECTION("pickle faults") {
    PickleWriter big;
    big.op('}').str("n").op(0x8a).byte(9).le(0, 9).op('s').stop();
    CHECK_THAT(error_of(ofa::test::torch_zip(big.bytes(), {})), contains("key 'n': an integer wider than 64 bits"));
    PickleWriter memo;
    memo.op('h').byte(7).stop();
    CHECK_THAT(error_of(ofa::test::torch_zip(memo.bytes(), {})), contains("memo entry 7 was never stored"));
    PickleWriter op;
    op.op('}').op('c').stop();
    CHECK_THAT(error_of(ofa::test::torch_zip(op.bytes(), {})), contains("data.pkl"));
    PickleWriter unknown;
    unknown.op(0x8f).stop();  // EMPTY_SET
    CHECK_THAT(error_of(ofa::test::torch_zip(unknown.bytes(), {})), contains("opcode 0x8f at offset 2: not supported"));
    PickleWriter nostop;
    nostop.op('}');
    CHECK_THAT(error_of(ofa::test::torch_zip(nostop.bytes(), {})), contains("no STOP"));
    // Shared lists nested 40 deep: 2^40 paths to walk, refused by the object budget.
    PickleWriter bomb;
    bomb.op(']');
    for (int i = 0; i < 40; ++i) bomb.op('2').op(0x86);  // (x, x)
    bomb.stop();
    CHECK_THAT(error_of(ofa::test::torch_zip(bomb.bytes(), {})), contains("times the file's size allows in memory"));
  }
  SECTION("not a torch file at all") {
    CHECK_THAT(error_of(""), contains("t.pt: empty file"));
    CHECK_THAT(error_of("hello: yaml\n"), contains("t.pt: not a torch.save file"));
    CHECK_THAT(error_of(ofa::test::zip_archive({{"a.txt", "x"}})), contains("without <name>/data.pkl"));
    PickleWriter plain;
    plain.integer(3).stop();
    CHECK_THAT(error_of(plain.bytes()), contains("not a torch.save file (no magic number)"));
  }
  SECTION("a plain state_dict and a value that is not a tensor") {
    PickleWriter p;
    p.op('}').str("epoch").integer(3).op('s').stop();
    CHECK_THAT([&] {
      try {
        to_state_dict(parse(ofa::test::torch_zip(p.bytes(), {})), "t.pt");
      } catch (const Error& e) {
        return std::string(e.what());
      }
      return std::string();
    }(), contains("t.pt: key 'epoch' holds a int, not a tensor"));
  }
}

TEST_CASE("every truncation of a real file is an error, never a crash", "[torch_file]") {
  for (const char* name : {"mixed_zip.pt", "mixed_legacy.pt"}) {
    const std::string whole = read_file(data_dir() / "golden" / name);
    for (std::size_t n = 0; n < whole.size(); ++n) {
      INFO(name << " cut to " << n << " bytes");
      CHECK_THROWS_AS(parse(whole.substr(0, n)), Error);
    }
  }
}

TEST_CASE("a state_dict written without LibTorch reads back exactly, its storages aligned as PyTorch's", "[torch_file][writer]") {
  const FloatStateDict dict{{"0.weight", {{2, 3}, {1.5f, -2.0f, 3.25f, 0.0f, -0.0f, 1e-30f}}},
                            {"0.bias", {{2}, {0.25f, -7.0f}}},
                            {"scalar", {{}, {42.0f}}},
                            {"empty", {{0}, {}}},
                            {"wide", {{300}, std::vector<float>(300, 0.5f)}}};
  const std::string bytes = torch_save_bytes(dict);
  const SavedStateDict back = to_state_dict(parse(bytes), "w.pt");
  REQUIRE(back.size() == dict.size());
  for (const auto& [name, t] : dict) {
    INFO(name);
    const SavedTensor& s = back.at(name);
    CHECK(s.dtype == DType::Float32);
    CHECK(s.sizes == t.sizes);
    CHECK(s.is_contiguous());
    const std::vector<float> v = s.to_float();
    REQUIRE(v.size() == t.values.size());
    CHECK((v.empty() || std::memcmp(v.data(), t.values.data(), v.size() * sizeof(float)) == 0));  // bitwise (-0.0 and 1e-30 included)
  }
  const ZipArchive zip(bytes, "w.pt");
  for (const ZipEntry& e : zip.entries())
    if (e.name.starts_with("archive/data/")) CHECK(e.data_offset % 64 == 0);
  REQUIRE(zip.find("archive/version"));
  CHECK(zip.contents(*zip.find("archive/version")) == "3\n");
  // An empty dict is a valid file too.
  CHECK(to_state_dict(parse(torch_save_bytes({})), "e.pt").empty());
  CHECK_THROWS_WITH(torch_save_bytes({{"a", {{1}, {1}}}, {"a", {{1}, {2}}}}), contains("key 'a' appears twice"));
  CHECK_THROWS_WITH(torch_save_bytes({{"b", {{2, 2}, {1, 2, 3}}}}), contains("key 'b' has 3 values for 4 elements"));
}

TEST_CASE("a pickle reader's memory is bounded by the file's size, and shared objects are work, not a fault", "[torch_file][errors]") {
  // Issue #29: a 16 MB pickle of an 8-million-item list took 2.1 GB to refuse; a valid
  // 300-level file reusing its BN objects was refused as "shared containers nested exponentially".
  using ofa::common::parse_pickle;
  // 300 references to one dict of 50 entries: 15,000 values from about 100 objects.
  PickleWriter shared;
  shared.op(']').mark().op('}').op('q').byte(0).mark();
  for (int k = 0; k < 50; ++k) shared.integer(k).integer(k * 2);
  shared.op('u');
  for (int i = 1; i < 300; ++i) shared.op('h').byte(0);
  shared.op('e').stop();
  const ofa::common::SavedObject levels = parse_pickle(std::make_shared<const std::string>(shared.bytes()), "levels.pickle");
  REQUIRE(levels.items.size() == 300);
  CHECK(levels.items[299].items.size() == 50);
  CHECK(levels.items[299].items[49].integer == 98);
  // 3 million small ints (6 MB): refused within 16 times the file's size plus 64 MB.
  PickleWriter big;
  big.op(']').mark();
  std::string ints;
  for (int i = 0; i < 3'000'000; ++i) ints += "K\x07";
  big.raw(ints).op('e').stop();
  CHECK_THROWS_WITH(parse_pickle(std::make_shared<const std::string>(big.bytes()), "big.pickle"),
                    contains("big.pickle") && contains("16 times the pickle's size allows in memory"));
}
