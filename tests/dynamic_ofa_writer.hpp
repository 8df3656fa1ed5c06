// Writes pickles in Dynamic-OFA's level-file layout, opcode by opcode, for the importer's tests.
#pragma once
// Independent of the reader (pt_writer's PickleWriter), following ../shared/data/dynamic_ofa/README.md,
// so tests can build well-formed files of any shape and the malformed ones the importer must refuse.
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/dynamic_ofa_levels.hpp"
#include "pt_writer.hpp"

namespace ofa::test {

struct DynofaLevelSpec {
  common::ArchConfig arch;
  double top1 = 75.0, latency_ms = 40.0;
  std::string accu_dtype = "f8";
  // Called with (BN index, is variance, values) before writing: tests break one value or length.
  std::function<void(std::size_t, bool, std::vector<float>&)> edit;
  std::size_t drop_bn = SIZE_MAX;  // a BN left out of both dicts
};

// A legacy torch.save of one float storage, as torch.storage._load_from_bytes reads it.
inline std::string dynofa_storage_payload(const std::vector<float>& v, const std::string& key) {
  PickleWriter magic;
  magic.op(0x8a).byte(10).raw(std::string("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10)).stop();
  PickleWriter proto;
  proto.integer(1001).stop();
  PickleWriter info;
  info.op('}').str("protocol_version").integer(1001).op('s').str("little_endian").op(0x88).op('s').str("type_sizes").op('}');
  info.str("short").integer(2).op('s').str("int").integer(4).op('s').str("long").integer(4).op('s').op('s').stop();
  PickleWriter obj;
  obj.mark().str("storage").global("torch", "FloatStorage").str(key).str("cuda:0").integer(static_cast<std::int64_t>(v.size())).op('N').tuple().op('Q').stop();
  PickleWriter keys;
  keys.mark().str(key).op('l').stop();
  std::string out = magic.bytes() + proto.bytes() + info.bytes() + obj.bytes() + keys.bytes();
  const std::uint64_t n = v.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  out += raw_bytes(v);
  return out;
}

class DynofaPickle {
 public:
  // nets_6 layout (`numpy_bn`: bn_lists[i] a numpy object array (1, 2)) or nets_7's (a list).
  std::string write(const std::vector<DynofaLevelSpec>& levels, bool numpy_bn, const std::string& extra_key = "") {
    PickleWriter p;
    p.op('}');
    p.str("accu_lat").op(']').mark();
    for (const auto& l : levels) ndarray_f(p, {l.top1, l.latency_ms}, l.accu_dtype);
    p.op('e').op('s');
    p.str("configs").op(']').mark();
    for (const auto& l : levels) config(p, l.arch);
    p.op('e').op('s');
    p.str("bn_lists").op(']').mark();
    for (const auto& l : levels) bn_list(p, l, numpy_bn);
    p.op('e').op('s');
    if (!extra_key.empty()) p.str(extra_key).integer(1).op('s');
    p.stop();
    return p.bytes();
  }

 private:
  static void dtype(PickleWriter& p, const std::string& code, const std::string& order, int flags) {
    p.global("numpy", "dtype").mark().str(code).integer(0).integer(1).tuple().op('R');
    p.mark().integer(3).str(order).op('N').op('N').op('N').integer(-1).integer(-1).integer(flags).tuple().op('b');
  }
  static void reconstruct(PickleWriter& p) {
    p.global("numpy.core.multiarray", "_reconstruct").mark().global("numpy", "ndarray").ints({0}).op('C').byte(1).raw("b").tuple().op('R');
  }
  static void ndarray_f(PickleWriter& p, const std::vector<double>& v, const std::string& code) {
    reconstruct(p);
    p.mark().integer(1).ints({static_cast<std::int64_t>(v.size())});
    dtype(p, code, "<", 0);
    p.op(0x89);
    if (code == "f4") {
      std::vector<float> f(v.begin(), v.end());
      p.binbytes(raw_bytes(f));
    } else {
      p.binbytes(raw_bytes(v));
    }
    p.tuple().op('b');
  }
  static void int_list(PickleWriter& p, const int* v, int n) {
    p.op(']').mark();
    for (int i = 0; i < n; ++i) p.integer(v[i]);
    p.op('e');
  }
  static void config(PickleWriter& p, const common::ArchConfig& a) {
    p.op('}').str("wid").op('N').op('s');
    p.str("ks");
    int_list(p, a.ks.data(), common::kBlocks);
    p.op('s').str("e");
    int_list(p, a.e.data(), common::kBlocks);
    p.op('s').str("d");
    int_list(p, a.d.data(), common::kStages);
    p.op('s').str("r");
    int_list(p, &a.r, 1);
    p.op('s');
  }
  void tensor(PickleWriter& p, const std::vector<float>& v) {
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.global("torch.storage", "_load_from_bytes").mark().binbytes(dynofa_storage_payload(v, std::to_string(1000000000 + key_++))).tuple().op('R');
    p.integer(0).ints({static_cast<std::int64_t>(v.size())}).ints({1}).op(0x89).global("collections", "OrderedDict").op(')').op('R').tuple().op('R');
  }
  void meter(PickleWriter& p, const std::vector<float>& avg) {
    p.global("ofa.utils", "AverageMeter").op(')').op(0x81);
    p.op('}').str("val");
    tensor(p, avg);
    p.op('s').str("avg");
    tensor(p, avg);
    p.op('s').str("sum");
    std::vector<float> sum(avg);
    for (float& x : sum) x *= 7;
    tensor(p, sum);
    p.op('s').str("count").integer(7).op('s').op('b');
  }
  void meters(PickleWriter& p, const DynofaLevelSpec& l, bool variance) {
    // BN names and channels depend on d and e only: a config a test made invalid (its r or a
    // kernel) still gets the BNs it would have.
    common::ArchConfig shape = l.arch;
    shape.r = 224;
    shape.ks.fill(3);
    const auto bns = common::subnet_batchnorms(common::search_space("ofa-mbv3-w1.2"), shape);
    p.op('}');
    for (std::size_t i = 0; i < bns.size(); ++i) {
      if (i == l.drop_bn) continue;
      std::vector<float> v(static_cast<std::size_t>(bns[i].channels));
      for (std::size_t c = 0; c < v.size(); ++c) v[c] = variance ? 0.5f + 0.01f * static_cast<float>(c) : 0.1f * static_cast<float>(c) - 1.0f;
      if (l.edit) l.edit(i, variance, v);
      p.str(bns[i].old_name);
      meter(p, v);
      p.op('s');
    }
  }
  void bn_list(PickleWriter& p, const DynofaLevelSpec& l, bool numpy_bn) {
    if (numpy_bn) {
      reconstruct(p);
      p.mark().integer(1).ints({1, 2});
      dtype(p, "O8", "|", 63);
      p.op(0x89).op(']').mark();
      meters(p, l, false);
      meters(p, l, true);
      p.op('e').tuple().op('b');
    } else {
      p.op(']').mark().op(']').mark();
      meters(p, l, false);
      meters(p, l, true);
      p.op('e').op('e');
    }
  }
  int key_ = 1;
};

}  // namespace ofa::test
