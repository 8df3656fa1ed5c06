#include "ofa/common/dynamic_ofa_levels.hpp"

#include <cmath>
#include <map>

#include "ofa/common/error.hpp"
#include "ofa/common/pickle.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/torch_file.hpp"

namespace ofa::common {

namespace {

using Kind = SavedObject::Kind;

std::string where_level(const std::string& file, std::size_t level, const std::string& key) {
  return file + ": level " + std::to_string(level) + ": " + key;
}

const SavedObject& field(const SavedObject& o, std::string_view key, const std::string& where) {
  const SavedObject* v = o.find(key);
  if (!v) throw Error(where + ": missing key '" + std::string(key) + "'");
  return *v;
}

std::int64_t whole(const SavedObject& o, const std::string& where) {
  if (o.kind != Kind::Int) throw Error(where + " is " + pickle::a_kind(o.kind_name()) + ", not a whole number");
  return o.integer;
}

std::vector<int> int_list(const SavedObject& o, std::size_t n, const std::string& where) {
  if (o.kind != Kind::List && o.kind != Kind::Tuple) throw Error(where + " is " + pickle::a_kind(o.kind_name()) + ", not a list");
  if (o.items.size() != n) throw Error(where + " has " + std::to_string(o.items.size()) + " entries, not " + std::to_string(n));
  std::vector<int> v;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t x = whole(o.items[i], where + "[" + std::to_string(i) + "]");
    if (x < 0 || x > 100000) throw Error(where + "[" + std::to_string(i) + "] = " + std::to_string(x) + " is not a size of this space");
    v.push_back(static_cast<int>(x));
  }
  return v;
}

ArchConfig read_config(const SavedObject& c, const SearchSpace& space, const std::string& where) {
  if (c.kind != Kind::Dict) throw Error(where + " is " + pickle::a_kind(c.kind_name()) + ", not a dict {ks, e, d, r}");
  for (const SavedObject& k : c.keys)
    if (k.kind != Kind::String || (k.text != "ks" && k.text != "e" && k.text != "d" && k.text != "r" && k.text != "wid"))
      throw Error(where + ": unknown key '" + k.key_text() + "' (a config has wid, ks, e, d, r)");
  if (const SavedObject* wid = c.find("wid"); wid && wid->kind != Kind::None)
    throw Error(where + ": key 'wid' is set; elastic width is not in the OFA MobileNetV3 space");
  ArchConfig a;
  const auto ks = int_list(field(c, "ks", where), kBlocks, where + ": ks");
  const auto e = int_list(field(c, "e", where), kBlocks, where + ": e");
  const auto d = int_list(field(c, "d", where), kStages, where + ": d");
  std::copy(ks.begin(), ks.end(), a.ks.begin());
  std::copy(e.begin(), e.end(), a.e.begin());
  std::copy(d.begin(), d.end(), a.d.begin());
  // r is a list of one resolution in Dynamic-OFA's files; a plain int is taken too.
  const SavedObject& r = field(c, "r", where);
  if (r.kind == Kind::Int) {
    if (r.integer < 0 || r.integer > 100000) throw Error(where + ": r = " + std::to_string(r.integer) + " is not a resolution of this space");
    a.r = static_cast<int>(r.integer);
  } else {
    a.r = int_list(r, 1, where + ": r")[0];
  }
  if (const std::string bad = validation_error(space, a); !bad.empty()) throw Error(where + ": " + bad);
  return a;
}

// The statistic a meter holds: its `avg` (the mean over all calibration images; `sum / count`
// differs from it by float32 rounding, so it is read, not recomputed).
std::vector<float> meter_avg(const SavedObject& meter, int channels, bool variance, std::int64_t& count, const std::string& where) {
  if (meter.kind != Kind::Object || meter.text.size() < 12 || meter.text.compare(meter.text.size() - 12, 12, "AverageMeter") != 0)
    throw Error(where + " is " + (meter.kind == Kind::Object ? "a '" + meter.text + "'" : pickle::a_kind(meter.kind_name())) +
                ", not an AverageMeter");
  const SavedObject& avg = field(meter, "avg", where);
  if (avg.kind != Kind::Tensor) throw Error(where + ": avg is " + pickle::a_kind(avg.kind_name()) + ", not a tensor");
  if (avg.tensor.sizes.size() != 1 || avg.tensor.sizes[0] != channels)
    throw Error(where + ": avg is " + avg.tensor.describe() + "; this architecture's BatchNorm has " + std::to_string(channels) + " channels");
  std::vector<float> v = avg.tensor.to_float();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) throw Error(where + ": avg[" + std::to_string(i) + "] is not finite");
    if (variance && v[i] < 0) throw Error(where + ": avg[" + std::to_string(i) + "] = " + std::to_string(v[i]) + " is a negative variance");
  }
  if (const SavedObject* c = meter.find("count")) count = whole(*c, where + ": count");
  return v;
}

}  // namespace

std::vector<SubnetBn> subnet_batchnorms(const SearchSpace& space, const ArchConfig& arch) {
  std::vector<SubnetBn> out;
  int k = 0;  // subnet block index
  for (const LayerSpec& l : enumerate_layers(space, arch)) {
    switch (l.kind) {
      case LayerKind::FirstConv: out.push_back({"first_conv.bn", "first_conv.bn", l.out_c}); break;
      case LayerKind::FirstBlock:
        out.push_back({"blocks.0.mobile_inverted_conv.depth_conv.bn", "blocks.0.conv.depth_conv.bn", l.in_c});
        out.push_back({"blocks.0.mobile_inverted_conv.point_linear.bn", "blocks.0.conv.point_linear.bn", l.out_c});
        break;
      case LayerKind::Block: {
        // Subnet block k is the k-th active block; its supernet index is 1 + 4 * stage + position.
        ++k;
        const std::string old = "blocks." + std::to_string(k) + ".mobile_inverted_conv.";
        const std::string sup = "blocks." + std::to_string(l.block + 1) + ".conv.";
        out.push_back({old + "inverted_bottleneck.bn", sup + "inverted_bottleneck.bn.bn", l.mid_c});
        out.push_back({old + "depth_conv.bn", sup + "depth_conv.bn.bn", l.mid_c});
        out.push_back({old + "point_linear.bn", sup + "point_linear.bn.bn", l.out_c});
        break;
      }
      case LayerKind::FinalExpand: out.push_back({"final_expand_layer.bn", "final_expand_layer.bn", l.out_c}); break;
      default: break;  // pooling, feature mix and classifier have no BatchNorm
    }
  }
  return out;
}

namespace {

// accu_lat[i]: [top-1 %, latency ms].
void read_figures(const SavedObject& figures, const std::string& al, DynamicOfaLevel& level) {
  if (figures.kind != Kind::Tensor || figures.tensor.numel() != 2 || figures.tensor.sizes.size() != 1)
    throw Error(al + " is " + (figures.kind == Kind::Tensor ? figures.tensor.describe() : std::string("a ") + std::string(figures.kind_name())) +
                ", not [top-1 %, latency ms]");
  const std::vector<double> f = figures.tensor.to_double();
  if (!std::isfinite(f[0]) || f[0] < 0 || f[0] > 100) throw Error(al + ": top-1 " + std::to_string(f[0]) + " is not a percentage in [0, 100]");
  if (!std::isfinite(f[1]) || f[1] <= 0) throw Error(al + ": latency " + std::to_string(f[1]) + " ms is not a positive number");
  level.top1_percent = f[0];
  level.latency_ms = f[1];
}

// bn_lists[i][0] = [mean meters, var meters] (nets_6: a numpy object array of shape (1, 2),
// read as nested lists; nets_7: a list of one pair): every BatchNorm of the level's
// architecture, none other, each averaged over the same count of images.
void read_bn_meters(const SavedObject& outer, const SearchSpace& space, const std::string& bw, DynamicOfaLevel& level) {
  if ((outer.kind != Kind::List && outer.kind != Kind::Tuple) || outer.items.size() != 1 ||
      (outer.items[0].kind != Kind::List && outer.items[0].kind != Kind::Tuple) || outer.items[0].items.size() != 2)
    throw Error(bw + " is not [[mean meters, variance meters]]");
  const SavedObject &means = outer.items[0].items[0], &vars = outer.items[0].items[1];
  const std::vector<SubnetBn> bns = subnet_batchnorms(space, level.arch);
  std::map<std::string, const SubnetBn*> by_name;
  for (const SubnetBn& b : bns) by_name.emplace(b.old_name, &b);
  for (const auto& [what, meters] : {std::pair<const char*, const SavedObject*>{"mean", &means}, {"var", &vars}}) {
    const std::string mw = bw + ": " + what;
    if (meters->kind != Kind::Dict) throw Error(mw + " is " + pickle::a_kind(meters->kind_name()) + ", not a dict of BatchNorm names");
    for (const SavedObject& k : meters->keys)
      if (k.kind != Kind::String || !by_name.count(k.text))
        throw Error(mw + ": '" + k.key_text() + "' is not a BatchNorm of this level's architecture (" + to_string(level.arch) + ")");
    if (meters->keys.size() != bns.size())
      throw Error(mw + ": " + std::to_string(meters->keys.size()) + " BatchNorms, the architecture has " + std::to_string(bns.size()));
  }
  std::int64_t count = -1;
  for (const SubnetBn& b : bns) {
    std::int64_t mc = -1, vc = -1;
    std::vector<float> m = meter_avg(*means.find(b.old_name), b.channels, false, mc, bw + ": mean '" + b.old_name + "'");
    std::vector<float> v = meter_avg(*vars.find(b.old_name), b.channels, true, vc, bw + ": var '" + b.old_name + "'");
    level.bn.emplace_back(b.supernet_name + ".running_mean", FloatTensor{{b.channels}, std::move(m)});
    level.bn.emplace_back(b.supernet_name + ".running_var", FloatTensor{{b.channels}, std::move(v)});
    if (count < 0) count = mc;
    if (mc != count || vc != count)
      throw Error(bw + ": '" + b.old_name + "': the meters counted " + std::to_string(mc) + " and " + std::to_string(vc) + " images, others " + std::to_string(count));
  }
  level.calibration_images = count;
}

}  // namespace

std::vector<DynamicOfaLevel> read_dynamic_ofa_levels(const std::filesystem::path& path, const SearchSpace& space) {
  const std::string file = path.string();
  const SavedObject root = read_pickle_file(path);
  if (root.kind != Kind::Dict) throw Error(file + ": the pickle holds a " + std::string(root.kind_name()) + ", not Dynamic-OFA's dict {accu_lat, configs, bn_lists}");
  for (const SavedObject& k : root.keys)
    if (k.kind != Kind::String || (k.text != "accu_lat" && k.text != "configs" && k.text != "bn_lists"))
      throw Error(file + ": unknown key '" + k.key_text() + "' (Dynamic-OFA's level files hold accu_lat, configs, bn_lists)");
  const SavedObject &accu_lat = field(root, "accu_lat", file), &configs = field(root, "configs", file), &bn_lists = field(root, "bn_lists", file);
  for (const auto& [name, list] : {std::pair<const char*, const SavedObject*>{"accu_lat", &accu_lat}, {"configs", &configs}, {"bn_lists", &bn_lists}})
    if (list->kind != Kind::List) throw Error(file + ": key '" + name + "' is " + pickle::a_kind(list->kind_name()) + ", not a list");
  if (configs.items.empty()) throw Error(file + ": no levels");
  if (accu_lat.items.size() != configs.items.size() || bn_lists.items.size() != configs.items.size())
    throw Error(file + ": accu_lat, configs and bn_lists have " + std::to_string(accu_lat.items.size()) + ", " + std::to_string(configs.items.size()) +
                " and " + std::to_string(bn_lists.items.size()) + " entries; one per level each");
  std::vector<DynamicOfaLevel> levels;
  for (std::size_t i = 0; i < configs.items.size(); ++i) {
    DynamicOfaLevel level;
    level.arch = read_config(configs.items[i], space, where_level(file, i, "configs"));
    read_figures(accu_lat.items[i], where_level(file, i, "accu_lat"), level);
    read_bn_meters(bn_lists.items[i], space, where_level(file, i, "bn_lists"), level);
    levels.push_back(std::move(level));
  }
  return levels;
}

}  // namespace ofa::common
